from __future__ import annotations

import pytest

from pattern_miner.globs import Glob, GlobError, GlobSet, expand_braces

# (pattern, path, expected)
CASES = [
    # no "/": the basename at any depth
    ("deploy*.sh", "deploy.sh", True),
    ("deploy*.sh", "scripts/deploy-gcp.sh", True),
    ("deploy*.sh", "a/b/c/deploy_prod.sh", True),
    ("deploy*.sh", "redeploy.sh", False),
    ("deploy*.sh", "deploy.sh.bak", False),
    ("deploy*.sh", "deploy/run.sh", False),
    ("Dockerfile", "Dockerfile", True),
    ("Dockerfile", "services/jobs/Dockerfile", True),
    ("Dockerfile", "Dockerfile.frontend", False),
    ("Dockerfile", "dockerfile", False),  # case-sensitive, like git
    ("*.tf", "terraform/staging/main.tf", True),
    ("*.tf", "main.tfvars", False),
    ("*", "anything/at/all.txt", True),
    ("*", ".hidden", True),
    # with "/": anchored at the root
    (".github/workflows/*.yml", ".github/workflows/ci.yml", True),
    (".github/workflows/*.yml", "x/.github/workflows/ci.yml", False),
    (".github/workflows/*.yml", ".github/workflows/sub/ci.yml", False),
    (".github/workflows/*.yml", ".github/workflows/ci.yaml", False),
    ("scripts/*.sh", "scripts/rollout.sh", True),
    ("scripts/*.sh", "app/scripts/rollout.sh", False),
    ("deploy/*.sh", "deploy/api.sh", True),
    # a leading "/" anchors too
    ("/app.yaml", "app.yaml", True),
    ("/app.yaml", "svc/app.yaml", False),
    ("/build/", "build/out.js", True),
    ("/build/", "src/build/out.js", False),
    # "**": zero or more whole directories
    ("**/Dockerfile", "Dockerfile", True),
    ("**/Dockerfile", "a/b/Dockerfile", True),
    ("**/Dockerfile", "a/xDockerfile", False),
    ("infra/**/*.tf", "infra/main.tf", True),
    ("infra/**/*.tf", "infra/modules/run/main.tf", True),
    ("infra/**/*.tf", "other/infra/main.tf", False),
    ("infra/**/*.tf", "infrastructure/main.tf", False),
    ("a/**", "a/x", True),
    ("a/**", "a/x/y/z", True),
    ("a/**", "a", False),
    ("a/**", "ab/x", False),
    ("a/**/b", "a/b", True),
    ("a/**/b", "a/x/y/b", True),
    ("a/**/b", "a/xb", False),
    ("**", "x/y", True),
    ("a/x**y.py", "a/xfooy.py", True),  # "**" inside a segment acts like "*"
    ("a/x**y.py", "a/xf/oy.py", False),
    # "*" and "?" never cross "/"
    ("src/*.py", "src/a/b.py", False),
    ("src/?.py", "src/a.py", True),
    ("src/?.py", "src/ab.py", False),
    ("a?b", "a/b", False),
    ("a*b", "x/a/b", False),
    # classes
    ("file[abc].txt", "fileb.txt", True),
    ("file[abc].txt", "filed.txt", False),
    ("file[a-c].txt", "dir/filec.txt", True),
    ("file[!a-c].txt", "filed.txt", True),
    ("file[!a-c].txt", "filea.txt", False),
    ("file[^a].txt", "fileb.txt", True),
    ("a[.-0]b", "a/b", False),  # a class never matches "/", even through a range
    ("a[.-0]b", "a0b", True),
    ("x[!a]y", "x/y", False),
    ("[]]x", "]x", True),
    ("[*]", "*", True),
    ("[*]", "a", False),
    # brace sets
    (".github/workflows/*.{yml,yaml}", ".github/workflows/ci.yaml", True),
    (".github/workflows/*.{yml,yaml}", ".github/workflows/ci.yml", True),
    (".github/workflows/*.{yml,yaml}", ".github/workflows/ci.json", False),
    (".github/actions/**/action.{yml,yaml}", ".github/actions/setup/action.yaml", True),
    ("config*.{js,ts}", "web/config.prod.ts", True),
    ("{src,lib}/x.py", "lib/x.py", True),
    ("{src,lib}/x.py", "pkg/lib/x.py", False),  # a brace alternative with "/" is anchored
    ("*.{a,{b,c}}", "f.c", True),
    # escapes
    ("\\*.txt", "*.txt", True),
    ("\\*.txt", "a.txt", False),
    ("a\\[1].py", "a[1].py", True),
    # regex metacharacters are literal
    ("a+b(1).py", "a+b(1).py", True),
    ("a.b", "axb", False),
    # trailing "/" means the directory: everything inside it
    ("node_modules/", "node_modules/x/y.js", True),
    ("node_modules/", "web/node_modules/x.js", True),
    ("node_modules/", "node_modules", False),
    # paths are cleaned of "./" and leading "/"
    ("deploy.sh", "./deploy.sh", True),
    ("/x/y.sh", "/x/y.sh", True),
]


@pytest.mark.parametrize(("pattern", "path", "expected"), CASES)
def test_glob_match(pattern: str, path: str, expected: bool) -> None:
    assert Glob(pattern).match(path) is expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "empty glob"),
        ("   ", "empty glob"),
        ("a[bc", "unclosed '['"),
        ("*.{yml,yaml", "unclosed '{'"),
        ("a}b", "unmatched '}'"),
        ("[z-a].py", "invalid glob"),
        ("a//b", "empty path segment"),
        ("/", "matches nothing"),
        ("x\\", "trailing backslash"),
        ("!x", "only allowed in a list"),
        ("{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}", "too many brace alternatives"),
    ],
)
def test_bad_globs(pattern: str, message: str) -> None:
    with pytest.raises(GlobError, match=message.replace("[", r"\[").replace("{", r"\{")):
        Glob(pattern)


def test_glob_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        Glob("a[")


def test_expand_braces() -> None:
    assert expand_braces("*.{yml,yaml}") == ["*.yml", "*.yaml"]
    assert expand_braces("{a,b}/{c,d}") == ["a/c", "a/d", "b/c", "b/d"]
    assert expand_braces("[{]x") == ["[{]x"]  # a brace inside a class is literal
    assert expand_braces("plain") == ["plain"]


def test_globset_any() -> None:
    s = GlobSet(["Dockerfile", "Dockerfile.*", "docker-compose*.yml"])
    assert s.match("svc/Dockerfile.prod")
    assert s.match("docker-compose.prod.yml")
    assert not s.match("compose.yaml")
    assert bool(s)


def test_empty_globset_matches_nothing() -> None:
    s = GlobSet([])
    assert not s.match("anything")
    assert not s


def test_globset_negation_last_match_wins() -> None:
    s = GlobSet(["*.json", "!package-lock.json", "web/package-lock.json"])
    assert s.match("tsconfig.json")
    assert not s.match("package-lock.json")
    assert not s.match("api/package-lock.json")
    assert s.match("web/package-lock.json")


def test_globset_match_within() -> None:
    s = GlobSet(["vendor", "dist/", "/docs/**"])
    assert s.match_within("vendor/github.com/x/y.go")
    assert s.match_within("cmd/vendor/a.go")
    assert s.match_within("web/dist/app.js")
    assert s.match_within("docs/guide/index.md")
    assert not s.match_within("src/docs/index.md")
    assert not s.match_within("src/vendors.go")
    assert not s.match("vendor/x.go")  # plain match is the basename only


def test_globset_reports_the_bad_pattern() -> None:
    with pytest.raises(GlobError, match="'a\\['"):
        GlobSet(["ok.py", "a["])
