"""Each grouping rule of ``pattern_miner.opportunities`` on small hand-built patterns and file inventories:
families, a family's own patterns, libraries, regions, stock templates, singles; category, value, ids."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta

from pattern_miner.model import FileEntry, Occurrence, Pattern, RepoInfo
from pattern_miner.opportunities import find_opportunities
from pattern_miner.opportunities.category import categorize
from pattern_miner.opportunities.families import find_families
from pattern_miner.opportunities.inventory import resemblance, sketch_of
from pattern_miner.opportunities.value import activity, is_test

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def occ(repo: str, path: str, start: int = 1, end: int = 20, unit: str = "function", name: str = "f",
        text: str = "", language: str = "python") -> Occurrence:
    return Occurrence(repo=repo, path=path, start_line=start, end_line=end, unit=unit, name=name, text=text,
                      language=language)


def pat(pid: str, *occurrences: Occurrence, kind: str = "function", lines: int = 20, confidence: str = "High",
        language: str = "python", features: tuple[str, ...] = (), ptype: str = "code") -> Pattern:
    return Pattern(id=pid, pattern_type=ptype, kind=kind, language=language, title=f"{language} {kind} `{pid}`",
                   similarity=0.95, confidence=confidence, score=1.0, lines=lines, occurrences=occurrences,
                   features=features, content_hash=pid * 2)


def entry(repo: str, path: str, digest: str, lines: int = 40, sketch: tuple[int, ...] | None = None) -> FileEntry:
    base = zlib.crc32(digest.encode()) * 100
    return FileEntry(repo, path, lines, digest, sketch_of(sketch if sketch is not None else range(base, base + 32)))


def infos(*names: str, **kw: object) -> list[RepoInfo]:
    return [RepoInfo(n, **kw) for n in names]  # type: ignore[arg-type]


def fork_inventory(a: str = "o/app", b: str = "o/app-fork", files: int = 8) -> list[FileEntry]:
    """``b`` copies every file of ``a``: most identical, one edited (same sketch, other digest), one new."""
    out = []
    for i in range(files):
        sketch = tuple(range(i * 100, i * 100 + 32))
        out.append(entry(a, f"src/m{i}.py", f"d{i}", sketch=sketch))
        out.append(entry(b, f"src/m{i}.py", f"d{i}" if i else "edited", sketch=sketch))
    out.append(entry(b, "src/extra.py", "x", sketch=tuple(range(5000, 5032))))
    return out


# ----------------------------------------------------------------------------- families


def test_resemblance_of_sketches() -> None:
    a = sketch_of(range(0, 32))
    assert resemblance(a, a) == 1.0
    assert resemblance(a, sketch_of(range(1000, 1032))) == 0.0
    assert 0.3 < resemblance(a, sketch_of(range(16, 48))) < 0.7
    assert sketch_of([5, 3, 3, 1]) == sketch_of([1, 3, 5]) and resemblance(b"", b"") == 1.0


def test_a_near_fork_is_one_family_with_shared_and_diverged_files() -> None:
    inventory = fork_inventory() + [entry("o/other", f"src/m{i}.py", f"z{i}", sketch=tuple(range(9000 + 40 * i,
                                                                                                   9032 + 40 * i)))
                                    for i in range(8)]
    (family,) = find_families(inventory)
    assert family.repos == ("o/app", "o/app-fork")
    shared = dict(family.shared)
    assert shared["src/m1.py"] == "identical" and shared["src/m0.py"] == "edited"
    assert shared["src/extra.py"] == "only o/app-fork"
    assert {(e.repo, e.path) for e in family.files} >= {("o/app", "src/m0.py"), ("o/app-fork", "src/m0.py")}


def test_repositories_sharing_a_few_files_are_no_family() -> None:
    inventory = fork_inventory(files=3) + [entry("o/app", f"lib/own{i}.py", f"a{i}") for i in range(10)]
    assert find_families(inventory) == []


def test_a_family_is_one_opportunity_and_its_own_patterns_are_its_components() -> None:
    inside = pat("code-inside", occ("o/app", "src/m1.py"), occ("o/app-fork", "src/m1.py"))
    spanning = pat("code-spanning", occ("o/app", "src/m2.py"), occ("o/app-fork", "src/m2.py"),
                   occ("o/svc", "lib/x.py"))
    opps = find_opportunities([inside, spanning], infos("o/app", "o/app-fork", "o/svc"), fork_inventory(), now=NOW)
    family = next(o for o in opps if o.kind == "family")
    assert [p.id for p in family.patterns] == ["code-inside"]
    assert family.id.startswith("family-") and family.repos == ("o/app", "o/app-fork")
    assert ("src/extra.py", "only o/app-fork") in family.shared
    single = next(o for o in opps if o.kind == "single")
    assert single.id == "code-spanning"  # a single keeps its pattern's id: earlier issues are adopted
    assert single.lines == 20  # the fork's copy is not independent reuse: one copy beyond the first


# ----------------------------------------------------------------------------- libraries, regions, singles


def library_patterns() -> list[Pattern]:
    repos = [("o/a", "lib/helpers.py"), ("o/b", "shared/helpers.py"), ("o/c", "src/c/helpers.py")]
    out = []
    for k, name in enumerate(["load", "save", "merge"]):
        start = 1 + k * 20
        out.append(pat(f"code-{name}", *(occ(r, p, start, start + 15, name=name) for r, p in repos), lines=16))
    return out


def test_clone_groups_in_the_same_files_are_one_library() -> None:
    lonely = pat("code-lonely", occ("o/a", "app/main.py", 5, 30), occ("o/d", "svc/run.py", 3, 28), lines=26)
    opps = find_opportunities(library_patterns() + [lonely], infos("o/a", "o/b", "o/c", "o/d"), [], now=NOW)
    (library,) = [o for o in opps if o.kind == "library"]
    assert sorted(p.id for p in library.patterns) == ["code-load", "code-merge", "code-save"]
    assert library.repos == ("o/a", "o/b", "o/c") and library.lines == 3 * 2 * 16
    assert "helpers.py" in library.title
    assert [o.id for o in opps if o.kind == "single"] == ["code-lonely"]


def test_a_library_id_survives_a_component_or_a_copy_coming_and_going() -> None:
    first = find_opportunities(library_patterns(), infos("o/a", "o/b", "o/c"), [], now=NOW)[0]
    fewer = find_opportunities(library_patterns()[:2], infos("o/a", "o/b", "o/c"), [], now=NOW)[0]
    grown = [pat(p.id, *p.occurrences, occ("o/e", "pkg/helpers.py", 1, 16), lines=16) for p in library_patterns()]
    more = find_opportunities(grown, infos("o/a", "o/b", "o/c", "o/e"), [], now=NOW)[0]
    assert first.id == fewer.id == more.id


def test_patterns_sharing_one_repository_only_are_not_linked() -> None:
    a = pat("code-a", occ("o/a", "lib/x.py", 1, 20), occ("o/b", "one.py", 1, 20))
    b = pat("code-b", occ("o/a", "lib/x.py", 30, 50), occ("o/c", "two.py", 1, 20))
    assert {o.kind for o in find_opportunities([a, b], infos("o/a", "o/b", "o/c"), [], now=NOW)} == {"single"}


def test_blocks_between_the_same_pair_of_files_are_one_region() -> None:
    blocks = [pat(f"terraform-b{k}", occ("o/a", "infra/stack.tf", 1 + 20 * k, 18 + 20 * k, unit="block"),
                  occ("o/b", "terraform/main.tf", 1 + 20 * ((k + 2) % 6), 18 + 20 * ((k + 2) % 6), unit="block"),
                  kind="block", lines=18, language="hcl", ptype="terraform") for k in range(6)]
    inventory = [entry("o/a", "infra/stack.tf", "x", lines=130), entry("o/b", "terraform/main.tf", "y", lines=125)]
    (region,) = find_opportunities(blocks, infos("o/a", "o/b"), inventory, now=NOW)
    assert region.kind == "region" and region.category == "infrastructure" and len(region.patterns) == 6
    assert [(o.repo, o.path, o.start_line, o.end_line) for o in region.occurrences] == [
        ("o/a", "infra/stack.tf", 1, 118), ("o/b", "terraform/main.tf", 1, 118)]


def test_low_confidence_patterns_are_components_never_opportunities_of_their_own() -> None:
    low = pat("code-low", occ("o/a", "x.py", 1, 6), occ("o/b", "y.py", 1, 6), confidence="Low", lines=6)
    assert find_opportunities([low], infos("o/a", "o/b"), [], now=NOW) == ()
    big = pat("code-big", occ("o/a", "x.py", 1, 200, unit="file"), occ("o/b", "y.py", 1, 190, unit="file"),
              kind="file", confidence="Low", lines=195)
    (region,) = find_opportunities([big], infos("o/a", "o/b"), [], now=NOW)
    assert region.kind == "region" and region.confidence == "Low"


# ----------------------------------------------------------------------------- templates


def test_a_stock_file_identical_in_many_repositories_is_one_template_ranked_last() -> None:
    repos = [f"o/r{i}" for i in range(10)]
    stock = pat("gha-stock", *(occ(r, ".github/workflows/stale.yml", 1, 30, unit="file", language="yaml")
                               for r in repos[:4]), kind="file", lines=30, language="yaml", ptype="github_actions")
    other = pat("gha-other", *(occ(r, ".github/dependabot.yml", 1, 12, unit="file", language="yaml")
                               for r in repos[4:8]), kind="file", lines=12, language="yaml")
    small = pat("code-small", occ("o/r1", "a.py", 1, 10), occ("o/r2", "b.py", 1, 10), lines=10)
    inventory = [entry(r, ".github/workflows/stale.yml", "same") for r in repos[:4]]
    inventory += [entry(r, ".github/dependabot.yml", "dep") for r in repos[4:8]]
    opps = find_opportunities([stock, other, small], infos(*repos), inventory, now=NOW)
    assert [o.kind for o in opps] == ["single", "template"]
    template = opps[-1]
    assert {p.id for p in template.patterns} == {"gha-stock", "gha-other"}
    assert template.title.startswith("Adopt a shared template") and template.rank == 2


def test_an_edited_copy_is_no_template() -> None:
    repos = [f"o/r{i}" for i in range(6)]
    wf = pat("gha-wf", *(occ(r, ".github/workflows/ci.yml", unit="file") for r in repos[:3]), kind="file")
    inventory = [entry(r, ".github/workflows/ci.yml", "same" if r != "o/r2" else "edited") for r in repos[:3]]
    assert [o.kind for o in find_opportunities([wf], infos(*repos), inventory, now=NOW)] == ["single"]


# ----------------------------------------------------------------------------- category, value


def one(path: str, text: str = "", features: tuple[str, ...] = (), language: str = "bash") -> Pattern:
    return pat("x", occ("o/a", path, text=text, language=language), occ("o/b", path, text=text, language=language),
               features=features, language=language)


def test_category_comes_from_content_and_place() -> None:
    assert categorize(one("scripts/health-check.sh", "curl -fsS \"$URL/healthz\" || exit 1\n",
                          ("curl -fsS",))) == "code"
    assert categorize(one("scripts/release.sh", "docker build -t $IMG .\ndocker push $IMG\n"
                          "gcloud run deploy api --image $IMG\n", ("gcloud run deploy", "docker push"))) == "deployment"
    assert categorize(one(".github/workflows/cd.yml", "run: gcloud run deploy x", language="yaml")) == "ci_workflow"
    assert categorize(one("images/api/Dockerfile", "FROM python:3.12", language="dockerfile")) == "container"
    assert categorize(one("infra/main.tf", 'resource "google_x" "y" {}', language="hcl")) == "infrastructure"
    client = "def get(self, path):\n    r = requests.get(self.base + path, headers={'Authorization': 'Bearer ' + t})\n"
    assert categorize(one("app/orders.py", client, ("requests.get",), "python")) == "api_client"
    settings = "DATABASE_URL = os.environ['DATABASE_URL']\nLOG_LEVEL = os.getenv('LOG_LEVEL', 'info')\n"
    assert categorize(one("app/settings_loader.py", settings, ("os.getenv",), "python")) == "configuration"
    assert categorize(one("app/maths.py", "def add(a, b):\n    return a + b\n", (), "python")) == "code"


def test_activity_of_a_repository() -> None:
    assert activity(RepoInfo("o/a", pushed_at=NOW - timedelta(days=3)), NOW) == "recent"
    assert activity(RepoInfo("o/a", pushed_at=NOW - timedelta(days=300)), NOW) == "active"
    assert activity(RepoInfo("o/a", pushed_at=NOW - timedelta(days=1000)), NOW) == "stale"
    assert activity(RepoInfo("o/a", pushed_at=NOW, archived=True), NOW) == "archived"
    assert activity(RepoInfo("o/a"), NOW) == "active"


def test_value_rises_with_activity_and_falls_for_stale_archived_and_test_copies() -> None:
    def value(repos: list[RepoInfo], path: str = "app/x.py") -> float:
        p = pat("code-x", *(occ(r.name, path) for r in repos))
        return find_opportunities([p], repos, [], now=NOW)[0].value

    fresh = [RepoInfo(n, pushed_at=NOW - timedelta(days=2)) for n in ("o/a", "o/b")]
    old = [RepoInfo(n, pushed_at=NOW - timedelta(days=2000)) for n in ("o/a", "o/b")]
    unknown = infos("o/a", "o/b")
    archived = infos("o/a", "o/b", archived=True)
    assert value(fresh) > value(unknown) > value(old) > value(archived)
    assert value(unknown, "tests/test_x.py") < value(unknown)
    assert is_test("src/foo.test.js") and is_test("pkg/x_test.go") and not is_test("src/contest.py")


def test_deployment_outranks_plain_code_of_the_same_size() -> None:
    deploy = pat("deployment-d", occ("o/a", "deploy.sh", unit="file", text="gcloud run deploy x\n", language="bash"),
                 occ("o/b", "deploy.sh", unit="file", language="bash"), kind="file", language="bash",
                 features=("gcloud run deploy",), ptype="deployment")
    code = pat("code-c", occ("o/a", "a.py"), occ("o/b", "b.py"))
    opps = find_opportunities([code, deploy], infos("o/a", "o/b"), [], now=NOW)
    assert [o.id for o in opps] == ["deployment-d", "code-c"] and [o.rank for o in opps] == [1, 2]


def test_terraform_blocks_of_one_folder_are_one_module_even_split_over_two_files() -> None:
    def block(k: int, there: str) -> Pattern:
        return pat(f"terraform-b{k}", occ("o/a", "infra/stack.tf", 1 + 20 * k, 15 + 20 * k, unit="block", language="hcl"),
                   occ("o/b", there, 1 + 20 * k, 15 + 20 * k, unit="block", language="hcl"),
                   kind="block", lines=15, language="hcl", ptype="terraform")

    split = [block(0, "infra/main.tf"), block(1, "infra/main.tf"), block(2, "infra/network.tf")]
    (one_module,) = find_opportunities(split, infos("o/a", "o/b"), [], now=NOW)
    assert len(one_module.patterns) == 3
    apart = [block(0, "infra/main.tf"), block(2, "other/network.tf")]
    assert len(find_opportunities(apart, infos("o/a", "o/b"), [], now=NOW)) == 2


def test_reading_one_variable_or_retrying_a_lock_is_neither_configuration_nor_an_api_client() -> None:
    which = "def which(cmd):\n    path = os.environ.get('PATH', os.defpath)\n    ext = os.getenv('PATHEXT')\n"
    assert categorize(one("src/shutil.py", which, ("environ.get", "os.getenv"), "python")) == "code"
    lock = "async function acquire(p) {\n  return promiseRetry(async (retry) => { await retry(err) })\n}\n"
    assert categorize(one("lib/with-lock.js", lock, ("promiseRetry", "retry"), "javascript")) == "code"
    health = "for i in 1 2 3; do\n  curl -fsS --max-time 5 \"$URL/healthz\" && exit 0\n  sleep 2\ndone\nexit 1\n"
    assert categorize(one("scripts/health-check.sh", health, ("curl -fsS", "sleep"))) == "code"


def test_a_library_occurs_where_its_units_lie_together_in_each_file() -> None:
    from pattern_miner.opportunities.build import runs

    assert runs(set(range(1, 11)) | set(range(20, 31)) | set(range(200, 211))) == [(1, 30), (200, 210)]
    (library,) = find_opportunities(library_patterns(), infos("o/a", "o/b", "o/c"), [], now=NOW)
    assert [(o.repo, o.path, o.start_line, o.end_line, o.unit) for o in library.occurrences] == [
        ("o/a", "lib/helpers.py", 1, 56, "library"), ("o/b", "shared/helpers.py", 1, 56, "library"),
        ("o/c", "src/c/helpers.py", 1, 56, "library")]
