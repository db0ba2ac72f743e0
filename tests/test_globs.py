from __future__ import annotations

import itertools
import re
from fnmatch import fnmatchcase
from functools import cache

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


# ----------------------------------------------------------------------------- linear matching


def test_consecutive_double_stars_collapse() -> None:
    """``**/**/…`` is ``**``: a run of them compiles to what one compiles to, so they cannot backtrack
    into each other (30 of them took exponential time)."""
    assert Glob("**/" * 30 + "x").regex == Glob("**/x").regex
    assert Glob("a/" + "**/" * 30 + "b").regex == Glob("a/**/b").regex
    assert Glob("a" + "/**" * 30).regex == Glob("a/**").regex
    assert Glob("**/" * 30 + "x").match("a/" * 40 + "x")
    assert not Glob("**/" * 30 + "x").match("a/" * 40 + "y")


def _backtracking(regex: str) -> tuple[int, int]:
    """Unbounded repeats of a compiled glob that can backtrack into each other, i.e. outside atomic
    groups ``(?>…)``: (those that can match "/" and so span segments, the most of those that cannot
    in any one segment). Alternatives (brace sets, a GlobSet) count one at a time."""
    parser = re._parser  # type: ignore[attr-defined]
    c = re._constants  # type: ignore[attr-defined]

    def in_segment(body: list[tuple[object, object]]) -> bool:  # "[^/]" and the like
        if len(body) != 1:
            return False
        op, arg = body[0]
        if op is c.NOT_LITERAL:
            return arg == ord("/")
        return op is c.IN and (c.NEGATE, None) in arg and (c.LITERAL, ord("/")) in arg  # type: ignore[operator]

    def walk(items: object, spanning: int, segment: int, worst: int) -> tuple[int, int, int]:
        for op, arg in items:  # type: ignore[attr-defined]
            if op is c.ATOMIC_GROUP:
                continue  # committed once matched: never tried again
            if op is c.LITERAL and arg == ord("/"):
                segment = 0
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
                _, high, body = arg
                if high == c.MAXREPEAT:
                    if in_segment(list(body)):
                        segment += 1
                    else:
                        spanning += 1
                spanning, segment, worst = walk(body, spanning, segment, worst)
            elif op is c.SUBPATTERN:
                spanning, segment, worst = walk(arg[-1], spanning, segment, worst)
            elif op is c.BRANCH:
                ends = [walk(branch, spanning, segment, worst) for branch in arg[1]]
                spanning, segment, worst = (max(e[k] for e in ends) for k in range(3))
            worst = max(worst, segment)
        return spanning, segment, worst

    spanning, _, worst = walk(parser.parse(regex), 0, 0, 0)
    return spanning, worst


@pytest.mark.parametrize(
    "pattern",
    ["**/" * 30 + "x", "**/a/" * 10 + "b", "*a" * 10 + "b", "a/**/*x*y*z*.py", "deploy/**/*.sh", "{a,b}*c*d"],
)
def test_stars_never_backtrack_into_each_other(pattern: str) -> None:
    """Each "*" but a segment's last, and each "**", commits to its leftmost match (an atomic group):
    the classic wildcard algorithm, time linear in the path for each star, instead of a regex that
    tries every way to split the path between the stars."""
    for regex in (Glob(pattern).regex, GlobSet([pattern, "**/*.py", "a/**/b/**/c"])._combined.pattern):  # type: ignore[union-attr]
        spanning, in_one_segment = _backtracking(regex)
        assert spanning <= 1 and in_one_segment <= 1, regex


def test_leftmost_matching_agrees_with_the_definition() -> None:
    """Committing each star to its leftmost match finds every match: checked against a direct
    recursive reading of the rules on every small pattern and path."""
    pieces = ["a", "?", "*", "a*", "*a", "*a*b", "[ab]", "**"]
    names = ["a", "b", "ab", "aab"]

    def reference(pattern: str, path: str) -> bool:
        ps, ts = pattern.split("/"), path.split("/")

        @cache
        def match(i: int, j: int) -> bool:
            if i == len(ps):
                return j == len(ts)
            if ps[i] == "**":
                if i == len(ps) - 1:  # a trailing "**": everything inside
                    return j < len(ts)
                return any(match(i + 1, k) for k in range(j, len(ts) + 1))
            return j < len(ts) and fnmatchcase(ts[j], ps[i]) and match(i + 1, j + 1)

        return match(0, 0)

    paths = ["/".join(p) for n in (1, 2, 3) for p in itertools.product(names, repeat=n)]
    checked = 0
    for n in (2, 3):
        for segments in itertools.product(pieces, repeat=n):
            pattern = "/".join(segments)
            if set(segments) == {"**"}:
                continue  # "**/**" is "**": everything, the empty path too
            # "x/" means what is inside x, like "x/**"
            globs = [(Glob(pattern), pattern)] + ([(Glob(pattern + "/"), pattern + "/**")] * (segments[-1] != "**"))
            for glob, meaning in globs:
                for path in paths:
                    assert glob.match(path) is reference(meaning, path), (glob, path, glob.regex)
                    checked += 1
    for piece in pieces[:-1]:  # no "/": the basename at any depth
        for path in paths:
            assert Glob(piece).match(path) is reference("**/" + piece, path), (piece, path)
    assert checked > 40_000
