"""The languages services are written in (Java, Kotlin, C#, Ruby, PHP, Rust, Scala, C, C++, Swift) and the
formats around them (XML, HTML, CSS, PowerShell, SQL, TOML, Make): what each spec abstracts, keeps and
makes a unit. The golden dumps under tests/golden/<language>/ pin the whole streams; these tests state the
promises in words."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from pattern_miner.languages import all_specs, for_path
from pattern_miner.model import CATEGORIES
from pattern_miner.parse import TokenizedFile, tokenize

GOLDEN = Path(__file__).resolve().parent / "golden"


def tok(rel: str) -> TokenizedFile:
    return tokenize(rel, (GOLDEN / rel).read_bytes())


def struct_line(t: TokenizedFile, line: int) -> list[str]:
    return [s for s, n in zip(t.struct, t.lines, strict=True) if n == line]


def units(t: TokenizedFile) -> list[tuple[str, str]]:
    return [(u.kind, u.name) for u in t.units]


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("src/main/java/A.java", "java"), ("A.kt", "kotlin"), ("build.gradle.kts", "kotlin"), ("A.cs", "csharp"),
        ("app.rb", "ruby"), ("Gemfile", "ruby"), ("index.php", "php"), ("main.rs", "rust"), ("A.scala", "scala"),
        ("ring.c", "c"), ("ring.h", "c"), ("a.cpp", "cpp"), ("a.hpp", "cpp"), ("a.cc", "cpp"), ("A.swift", "swift"),
        ("pom.xml", "xml"), ("logback-spring.xml", "xml"), ("App.csproj", "xml"), ("index.html", "html"),
        ("theme.css", "css"), ("deploy.ps1", "powershell"), ("schema.sql", "sql"), ("Cargo.toml", "toml"),
        ("pyproject.toml", "toml"), ("Makefile", "make"), ("rules.mk", "make"),
    ],
)
def test_language_for_path(path: str, language: str) -> None:
    spec = for_path(path)
    assert spec is not None and spec.name == language


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("java/OrderQueueClient.java", [("class", "OrderQueueClient"), ("method", "OrderQueueClient"),
                                        ("method", "send"), ("interface", "Listener"), ("method", "onSent")]),
        ("kotlin/RetryPolicy.kt", [("class", "RetryPolicy"), ("class", "Retrier"), ("function", "run"),
                                   ("class", "Defaults"), ("function", "backoff")]),
        ("csharp/HealthController.cs", [("class", "HealthController"), ("method", "HealthController"),
                                        ("method", "Ready"), ("method", "Describe"), ("interface", "IDatabase"),
                                        ("method", "PingAsync")]),
        ("ruby/slack_notifier.rb", [("class", "Acme"), ("class", "SlackNotifier"), ("method", "initialize"),
                                    ("method", "notify"), ("method", "from_env")]),
        ("php/ApiClient.php", [("class", "ApiClient"), ("method", "__construct"), ("method", "invoice"),
                               ("function", "retry")]),
        ("rust/config.rs", [("type", "Config"), ("class", "Config"), ("function", "from_env"),
                            ("interface", "Healthy"), ("type", "Mode"), ("function", "require")]),
        ("c/ring.c", [("type", "ring"), ("type", "ring"), ("function", "ring_new"), ("function", "ring_push")]),
        ("cpp/rate_limiter.cpp", [("class", "RateLimiter"), ("function", "RateLimiter"), ("function", "allow"),
                                  ("function", "refill"), ("function", "clamp")]),
        ("swift/APIClient.swift", [("class", "APIError"), ("class", "APIClient"), ("method", "init"),
                                   ("function", "fetch"), ("interface", "Cache"), ("function", "describe")]),
        # only the elements that are a thing of their own: not <groupId>, <version>, <dependencies>
        ("xml/pom.xml", [("element", "dependency"), ("element", "dependency"), ("element", "plugin")]),
        ("html/index.html", [("element", "head"), ("element", "header"), ("element", "form")]),
        ("powershell/deploy.ps1", [("function", "Get-ImageTag")]),
        ("sql/schema.sql", [("table", "customers"), ("table", "orders")]),
        ("toml/Cargo.toml", [("table", "package"), ("table", "dependencies"), ("table", "dev-dependencies"),
                             ("table", "bin"), ("table", "profile.release")]),
        ("make/Makefile", [("target", ".PHONY"), ("target", "build"), ("target", "test"), ("target", "push"),
                           ("target", "clean"), ("function", "banner")]),
    ],
)
def test_units_and_their_names(rel: str, expected: list[tuple[str, str]]) -> None:
    t = tok(rel)
    assert not t.fallback
    assert units(t) == expected


def test_java_abstracts_names_and_literals_and_keeps_keywords_and_annotations() -> None:
    t = tok("java/OrderQueueClient.java")
    assert struct_line(t, 9) == ["private", "static", "final", "int", "$id", "=", "$num", ";"]
    assert struct_line(t, 7) == ["@", "Component"]  # what the class is, kept through a rename
    assert "Value" in struct_line(t, 13) and "$str" in struct_line(t, 13)
    assert struct_line(t, 18) == []  # a comment
    assert "OrderQueueClient" not in t.struct and "SqsClient" not in t.struct


def test_a_keyword_spelled_like_a_named_kind_is_not_that_kind() -> None:
    """PHP's `string` type is the keyword, not a string literal (the grammar names both `string`)."""
    t = tok("php/ApiClient.php")
    assert struct_line(t, 13)[4:7] == ["string", "$id", ","]
    assert struct_line(t, 21)[:3] == ["$str", "=>", "["]


def test_renamed_copies_normalize_alike() -> None:
    a = b"""public class A { int total(int[] xs) { int s = 0; for (int x : xs) { s += x; } return s; } }"""
    b = b"""public class B { int sum(int[] values) { int acc = 0; for (int v : values) { acc += v; } return acc; } }"""
    ta, tb = tokenize("A.java", a), tokenize("B.java", b)
    assert ta.struct == tb.struct and ta.lit != tb.lit


@pytest.mark.parametrize(
    ("rel", "kept", "abstracted"),
    [
        ("xml/pom.xml", ["groupId", "artifactId", "dependency"], ["org.springframework.boot", "3.2.4"]),
        ("html/index.html", ["form", "action", "button"], ["Subscribe", "/subscribe"]),
        ("css/theme.css", ["font-family", "margin", "calc", "body"], ["banner", "#222", "Inter"]),
        ("powershell/deploy.ps1", ["Write-Host", "docker", "build", "-t", "--replicas"], ["$tag", "prod"]),
        ("sql/schema.sql", ["keyword_create", "keyword_select"], ["customers", "'paid'"]),
        ("toml/Cargo.toml", ["reqwest", "features", "lto"], ['"0.12"', "true"]),
        ("make/Makefile", ["build", "go", "test", "-race", "docker", "push"], ["GO_FLAGS", "bin/orders"]),
    ],
)
def test_formats_keep_what_carries_meaning(rel: str, kept: list[str], abstracted: list[str]) -> None:
    t = tok(rel)
    for word in kept:
        assert word in t.struct, word
    for word in abstracted:
        assert word not in t.struct and any(word in lit for lit in t.lit), word


def test_xml_blank_text_between_elements_makes_no_token() -> None:
    t = tokenize("a.xml", b"<a>\n  <b>x</b>\n\n  <c/>\n</a>\n")
    assert t.struct == ["<", "a", ">", "<", "b", ">", "$val", "</", "b", ">", "<", "c", "/>", "</", "a", ">"]


def test_kind_hints_are_valid_data() -> None:
    """The category classifier reads ``LanguageSpec.kinds``: categories it knows, regular expressions that
    compile, and at least the build files and Spring configuration the issue names."""
    seen = {}
    for spec in all_specs():
        for kind in spec.kinds:
            assert kind.category in CATEGORIES, (spec.name, kind)
            for mark in kind.marks:
                re.compile(mark)
            for pattern in kind.files:
                seen[pattern] = (kind.category, kind.what)
    assert seen["pom.xml"] == ("configuration", "build")
    assert seen["build.gradle.kts"] == ("configuration", "build")
    assert seen["logback*.xml"] == ("configuration", "logging")
    java = next(s for s in all_specs() if s.name == "java")
    spring = [k for k in java.kinds if k.category == "configuration"]
    assert spring and re.search(spring[0].marks[0], "@Configuration\npublic class AppConfig {")
    clients = [k for k in java.kinds if k.category == "api_client"]
    assert any(re.search(m, "private final SqsClient sqs;") for m in clients[0].marks)


def test_a_parse_past_its_time_budget_falls_back_and_the_parser_recovers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nested `/*` make the Kotlin grammar take time that grows with their cube (20,000 of them: minutes); past
    the budget the file is lexed line by line, and the next file parses from scratch."""
    from pattern_miner import grammar

    expected = tok("kotlin/RetryPolicy.kt")
    monkeypatch.setattr(grammar, "PARSE_SECONDS", 0.05)
    monkeypatch.setattr(grammar, "PARSE_SECONDS_PER_MB", 0.0)
    start = time.monotonic()
    t = tokenize("Slow.kt", b"/*" * 6000)
    assert t.fallback and t.language == "kotlin" and time.monotonic() - start < 2.0
    again = tok("kotlin/RetryPolicy.kt")
    assert not again.fallback and again.struct == expected.struct and again.units == expected.units


def test_language_lookup_agrees_with_a_loop_over_the_specs() -> None:
    """``for_path`` answers from one regular expression and an extension table; it must answer as the plain
    loop does: file-name patterns first (the first spec's wins), then extensions in spec order."""
    import fnmatch

    def loop(base: str) -> str | None:
        for spec in all_specs():
            if any(fnmatch.fnmatchcase(base, pat) for pat in spec.filenames):
                return spec.name
        for spec in all_specs():
            if any(base.lower().endswith(ext) for ext in spec.extensions):
                return spec.name
        return None

    names = ["README", ".env", "x.tar.gz", "Dockerfile", "dockerfile", "Makefile.in", "a.Dockerfile.bak", "A.JAVA"]
    for spec in all_specs():
        names += [p.replace("*", "svc") for p in spec.filenames] + ["x" + e for e in spec.extensions]
        names += ["x" + e.upper() for e in spec.extensions] + ["x" + e + ".orig" for e in spec.extensions]
    for base in names:
        found = for_path("repo/dir/" + base)
        assert (found.name if found else None) == loop(base), base
