"""Issue rendering: the seed's shape, links with line anchors, sanitization, the size cap, redaction."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pattern_miner.model import Occurrence, Pattern
from pattern_miner.render import BODY_LIMIT, Templates, render_issue
from pattern_miner.render.markdown import ZWJ, code_span, fence, md_text
from pattern_miner.render.marker import Marker, diff_copies, parse_marker, replace_marker
from pattern_miner.render.redact import scrub

DEPLOY = "#!/bin/bash\nset -euo pipefail\ngcloud builds submit --tag gcr.io/$PROJECT/$SERVICE\ngcloud run deploy $SERVICE \\\n  --image gcr.io/$PROJECT/$SERVICE\n"


def occ(repo: str, path: str, text: str = DEPLOY, *, private: bool = False, start: int = 1, name: str = "",
        unit: str = "file") -> Occurrence:
    end = start + max(1, text.count("\n")) - 1
    return Occurrence(repo, path, start, end, unit=unit, name=name, language="bash", commit="c0ffee", private=private,
                      url=f"https://github.com/{repo}/blob/c0ffee/{path}#L{start}-L{end}", text=text)


def pattern(*occurrences: Occurrence, title: str = "Cloud Run deploy script", pid: str = "p1a2b3") -> Pattern:
    return Pattern(id=pid, pattern_type="deployment", kind="file", language="bash", title=title, similarity=0.87,
                   confidence="High", score=3.0, lines=5, occurrences=occurrences, features=("gcloud", "run deploy"))


@dataclass
class Component:
    name: str
    description: str
    occurrences: list[int] = field(default_factory=list)


@dataclass
class Savings:
    minutes_per_use: int
    reasoning: str


@dataclass
class Rec:
    library_name: str = "gcp-deployment-toolkit"
    summary: str = "GCP Cloud Run deployment with Secret Manager integration"
    components: list[Component] = field(default_factory=lambda: [Component("Secret validation", "Checks secrets")])
    usage: str = "from gcp_deployment import CloudRunDeployer\nCloudRunDeployer(project, service).deploy()"
    usage_language: str = "python"
    migration_steps: list[str] = field(default_factory=lambda: ["Publish the library", "Replace deploy.sh"])
    time_savings: Savings = field(default_factory=lambda: Savings(30, "per new service deployment"))
    risks: list[str] = field(default_factory=list)
    source: str = "offline"
    model: str | None = None


def test_body_follows_the_seed_example() -> None:
    p = pattern(occ("acme/api", "deploy.sh"), occ("acme/web", "scripts/deploy-gcp.sh", start=10),
                occ("acme/jobs", "deploy.sh", DEPLOY.replace("set -euo", "set -eu")))
    issue = render_issue(p, Rec(), first_seen="2024-05-06")
    assert issue.title == "🔍 Code reuse opportunity: Cloud Run deploy script"
    body = issue.body
    for expected in (
        "## 🔍 Code Reuse Opportunity: Cloud Run deploy script",
        "### Pattern Found\nGCP Cloud Run deployment with Secret Manager integration",
        "### Repositories",
        "- [acme/web](https://github.com/acme/web) ([scripts/deploy-gcp.sh (L10–L14)]"
        "(https://github.com/acme/web/blob/c0ffee/scripts/deploy-gcp.sh#L10-L14))",
        "### Similarity Score\n87% - High confidence for extraction",
        "Create shared library: `gcp-deployment-toolkit`",
        "**Reusable components**:\n1. **Secret validation** — Checks secrets",
        "**Implementation**:\n```python\nfrom gcp_deployment import CloudRunDeployer",
        "**Estimated Time Savings**: 30 minutes per use (per new service deployment)",
        "<details>\n<summary>Differences between two copies",
        "```diff\n",
        "-set -euo pipefail\n+set -eu pipefail",
    ):
        assert expected in body, expected
    assert body.rstrip().endswith(issue.marker.render())
    marker = parse_marker(body)
    assert marker == issue.marker and marker.id == "p1a2b3" and marker.first_seen == "2024-05-06"
    assert len(marker.copies) == 3 and len(marker.repos) == 3


def test_rendering_is_deterministic_and_identical_copies_show_an_excerpt() -> None:
    p = pattern(occ("acme/api", "deploy.sh"), occ("acme/web", "deploy.sh"))
    a = render_issue(p, None, first_seen="2024-05-06")
    b = render_issue(p, None, first_seen="2024-05-06")
    assert a == b
    assert "copies are identical" in a.body and "```bash\n#!/bin/bash" in a.body
    assert "Extract the shared file" in a.body  # no recommendation: still a useful action


def test_untrusted_text_is_neutralized() -> None:
    evil = "@octocat see #12 <img src=x onerror=alert(1)> [click](https://evil.example/x) https://evil.example/y"
    nasty_code = "echo ```` done\n@admin <script>alert(1)</script>\n"
    p = pattern(occ("acme/api", "deploy.sh", nasty_code), occ("acme/web", "deploy.sh", nasty_code + "x\n"),
                title="deploy @everyone <b>")
    rec = Rec(summary=evil, components=[Component("@team/x", "<i>ok</i> [pypi](https://pypi.org/project/x/)")],
              usage="```\n@x\n```", migration_steps=["```", "run `rm -rf` <now>"])
    body = render_issue(p, rec, first_seen="2024-05-06").body
    outside_code = re.sub(r"(`{3,})[^\n]*\n.*?\n\1", "", body, flags=re.DOTALL)
    assert not re.search(r"(?<![\w`])@[A-Za-z]", outside_code), "a live @-mention"
    assert "<img" not in body and "<script>" not in outside_code and "<b>" not in body and "<i>" not in body
    assert "evil.example/x)" not in body and "(https://evil.example" not in body
    assert f"#{ZWJ}12" in body
    assert "[pypi](https://pypi.org/project/x/)" in body  # package registries may be linked
    assert "`````diff\n" in body  # the fence is longer than the 4-backtick run inside
    assert "\n```\n" not in outside_code.split("### Recommended Action")[1].split("**Implementation**")[0]


def test_markdown_helpers() -> None:
    assert md_text("hi @bob and `@code` <x>") == f"hi @{ZWJ}bob and `@code` &lt;x&gt;"
    assert md_text("a\nb", inline=True) == "a b"
    assert md_text("```evil\nfenced") == "\\```evil\nfenced"
    assert code_span("a `b` c") == "``a `b` c``"
    assert code_span("`x`") == "`` `x` ``"
    assert fence("x ``` y\n", "py") == "````py\nx ``` y\n````"
    assert fence("plain", "b<a>d") == "```bad\nplain\n```"
    assert scrub("acme/secret-svc and secret-svc", {"acme/secret-svc": "P", "secret-svc": "P"}) == "P and P"


def test_body_is_capped_and_keeps_its_marker() -> None:
    big = "".join(f"line {i} " + "x" * 200 + "\n" for i in range(2000))
    occs = [occ(f"acme/r{i}", f"deploy/{'d' * 150}{i}.sh", big + str(i)) for i in range(400)]
    issue = render_issue(pattern(*occs), Rec(), first_seen="2024-05-06")
    assert len(issue.body) <= BODY_LIMIT
    assert parse_marker(issue.body) is not None and issue.body.rstrip().endswith("-->")
    assert "more copies" in issue.body


def test_redaction_leaves_out_private_names_and_code() -> None:
    p = pattern(occ("acme/public-api", "deploy.sh"), occ("acme/secret-billing", "deploy.sh", private=True),
                title="deploy.sh")
    rec = Rec(summary="Copied between acme/secret-billing and acme/public-api; secret-billing is older.")
    issue = render_issue(p, rec, first_seen="2024-05-06", redact=True)
    assert issue.redacted
    assert "secret-billing" not in issue.body and "secret-billing" not in issue.title
    assert "gcloud" not in issue.body and "```" not in issue.body  # no code at all, no usage sketch
    assert "a private repository" in issue.body and "acme/public-api" in issue.body
    assert issue.marker.private == 1 and len(issue.marker.copies) == 1 and len(issue.marker.repos) == 1


def test_model_text_that_echoes_a_private_path_is_scrubbed() -> None:
    p = pattern(occ("acme/public-api", "deploy.sh"), occ("acme/secret-billing", "ops/ledger-rotate.sh", private=True),
                title="deploy.sh")
    rec = Rec(summary="Start from ops/ledger-rotate.sh (in secret-billing): ledger-rotate.sh is the newest copy.")
    issue = render_issue(p, rec, first_seen="2024-05-06", redact=True)
    assert "ledger-rotate" not in issue.body and "secret-billing" not in issue.body
    assert "a private file" in issue.body and "deploy.sh" in issue.body


def test_marker_round_trip_diff_and_replace() -> None:
    p1 = pattern(occ("a/x", "d.sh"), occ("b/y", "d.sh"))
    p2 = pattern(occ("a/x", "d.sh", DEPLOY + "echo done\n"), occ("c/z", "d.sh"))
    m1, m2 = Marker.for_pattern(p1, "2024-01-01"), Marker.for_pattern(p2, "2024-01-01")
    assert parse_marker("text\n" + m1.render()) == m1
    changes = diff_copies(m1, m2)
    assert (len(changes.added), len(changes.removed), len(changes.changed)) == (1, 1, 1)
    assert not diff_copies(m1, m1)
    body = replace_marker("body\n\n" + m1.render() + "\n", m1.resolved())
    assert parse_marker(body).state == "resolved" and body.count("pattern-miner:") == 1
    assert parse_marker("<!-- something else -->") is None and parse_marker(None) is None


def test_user_templates_override_packaged_ones(tmp_path: Path) -> None:
    (tmp_path / "issue_title.j2").write_text("[reuse] {{ title }} ({{ pattern.repo_count }} repos)\n")
    p = pattern(occ("acme/api", "deploy.sh"), occ("acme/web", "deploy.sh"), title="x <y> @z")
    issue = render_issue(p, None, first_seen="2024-05-06", templates=Templates(tmp_path))
    assert issue.title == f"[reuse] x &lt;y&gt; @{ZWJ}z (2 repos)"
    assert issue.body.startswith("## 🔍 Code Reuse Opportunity")  # body template not overridden
