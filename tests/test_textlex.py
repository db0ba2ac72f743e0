"""Every text file is compared: the formats without a grammar, lexed by Pygments or the generic lexer,
each token on its line; and what is scanned, or never scanned, by default."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pattern_miner.config import default_config, load_config
from pattern_miner.languages import for_path
from pattern_miner.languages.formats import FORMATS, format_for
from pattern_miner.parse import TokenizedFile, tokenize
from pattern_miner.records import CONFIG_LANGUAGES


def tok(path: str, text: str) -> TokenizedFile:
    return tokenize(path, text.encode("utf-8"))


def rows(t: TokenizedFile) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for s, n in zip(t.struct, t.lines, strict=True):
        out.setdefault(n, []).append(s)
    return out


@pytest.mark.parametrize(
    ("path", "fmt"),
    [(".env", "dotenv"), (".env.example", "dotenv"), (".env.test.example", "dotenv"), ("svc/config.env", "dotenv"),
     ("application.properties", "properties"), ("setup.cfg", "ini"), ("tox.ini", "ini"), (".editorconfig", "ini"),
     ("run.bat", "batch"), ("build.cmd", "batch"), ("nginx.conf.j2", "jinja"), ("build.gradle", "groovy"),
     ("Jenkinsfile", "groovy"), ("startup.sh.tpl", "template"), ("nginx.conf", "conf"), ("system.prompt", "prose"),
     ("notes.txt", "prose")],
)
def test_format_for_path(path: str, fmt: str) -> None:
    assert for_path(path) is None
    found = format_for(path)
    assert found is not None and found.name == fmt
    assert tok(path, "a = 1\n").language == fmt


def test_every_format_is_compared_as_configuration_or_text() -> None:
    """Files of these formats share rare literal content when they are copies (``records.CONFIG_LANGUAGES``)."""
    assert {f.name for f in FORMATS} <= CONFIG_LANGUAGES
    assert {"xml", "toml", "make", "powershell"} <= CONFIG_LANGUAGES


def test_dotenv_keeps_keys_and_abstracts_values_and_comments() -> None:
    t = tok(".env.example", "# local\nexport DATABASE_URL=\"postgres://db/x\"  # dev\nLOG_LEVEL=debug\n\nA_B = c d\n")
    assert rows(t) == {2: ["export", "DATABASE_URL", "=", "$str"], 3: ["LOG_LEVEL", "=", "$val"],
                       5: ["A_B", "=", "$val", "$val"]}
    assert "debug" in t.lit and "dev" not in " ".join(t.lit)


def test_a_comment_marker_inside_quotes_is_not_a_comment() -> None:
    t = tok("x.env", 'PASSWORD="a #b"\n')
    assert t.lit == ["PASSWORD", "=", '"a #b"']


def test_ini_and_properties_keep_sections_and_keys() -> None:
    t = tok("setup.cfg", "; lint\n[flake8]\nmax-line-length = 110\n")
    assert rows(t) == {2: ["[flake8]"], 3: ["max-line-length", "=", "$str"]}
    p = tok("application.properties", "# db\nspring.datasource.url=jdbc:postgresql://db/x\nserver.port: 8080\n")
    assert rows(p) == {2: ["spring.datasource.url", "=", "$str"], 3: ["server.port", ":", "$str"]}


def test_batch_keeps_commands_and_abstracts_variables() -> None:
    t = tok("build.cmd", "@echo off\nREM build\nset IMAGE=acme/orders\ndocker build -t %IMAGE%:%1 .\n")
    assert 2 not in rows(t)
    assert rows(t)[3][:3] == ["set", "$var", "="]
    assert rows(t)[4][:3] == ["docker", "build", "-t"] and "$var" in rows(t)[4]


def test_jinja_template_tokens_sit_on_their_lines() -> None:
    text = "{# c #}\nserver {\n  listen {{ port }};\n{% for h in hosts %}\n  name {{ h | lower }};\n{% endfor %}\n}\n"
    t = tok("nginx.conf.j2", text)
    assert rows(t)[3] == ["listen", "{{", "$var", "}}", ";"]
    assert rows(t)[4] == ["{%", "for", "$var", "in", "$var", "%}"]
    assert rows(t)[7] == ["}"]
    for lit, line in zip(t.lit, t.lines, strict=True):
        assert lit.split()[0] in text.split("\n")[line - 1]


def test_template_block_comments_are_dropped_and_lines_kept() -> None:
    t = tok("startup.sh.tpl", "{{/* a\ncomment */}}\ndocker run ${image}\n")
    assert rows(t) == {3: ["docker", "run", "$var"]}


def test_unclosed_block_comments_take_linear_time() -> None:
    text = "{{/* " * 200_000
    start = time.process_time()
    t = tok("x.tpl", text)
    assert t.struct == [] and time.process_time() - start < 5


def test_prose_keeps_every_line() -> None:
    t = tok("prompts/review.txt", "# Review\nYou are a reviewer.\n// not a comment here\n")
    assert sorted(rows(t)) == [1, 2, 3]


# ----------------------------------------------------------------------------- what is scanned by default


@pytest.mark.parametrize(
    ("path", "first"),
    [(".env", "configuration"), (".env.test.example", "configuration"), ("config.env", "configuration"),
     ("deploy/app.properties", "configuration"), ("setup.cfg", "configuration"), ("nginx.conf", "configuration"),
     ("pom.xml", "configuration"), ("build.gradle", "configuration"), ("logback-spring.xml", "configuration"),
     ("Makefile", "configuration"), ("deploy.ps1", "deployment"), ("scripts/run.bat", "code"),
     ("db/schema.sql", "code"), ("startup.sh.tpl", "deployment"), ("prompts/review.txt", "code"),
     ("prompts/system/review.md", "code"), ("src/main/java/a/OrderClient.java", "api_client"),
     ("src/main/java/a/Order.java", "code"), ("app/models/user.rb", "code"), ("src/lib.rs", "code"),
     ("web/index.html", "code"), ("web/theme.css", "code"), ("src/App.kt", "code"), ("Program.cs", "code")],
)
def test_every_text_format_is_scanned_by_default(path: str, first: str) -> None:
    types = default_config().types_for(path)
    assert types and types[0] == first, types


@pytest.mark.parametrize(
    "path",
    ["Cargo.lock", "Gemfile.lock", "composer.lock", "poetry.lock", "data/prices.csv", "x.tsv", "logo.svg",
     "notebooks/eda.ipynb", "LICENSE.txt", "target/classes/app.xml", "web/app.bundle.js", "Api.g.cs",
     "README.md", "docs/guide.md"],
)
def test_lock_files_generated_code_and_data_are_never_scanned(path: str) -> None:
    assert default_config().types_for(path) == ()


def test_what_is_never_scanned_is_configurable(tmp_path: Path) -> None:
    cfg = tmp_path / "repositories.json"
    cfg.write_text('{"repositories": ["o/a"], "exclude": ["!*.csv", "*.sql"]}', encoding="utf-8")
    config = load_config(cfg)
    assert not config.is_excluded("data/prices.csv")
    assert config.types_for("db/schema.sql") == ()


def test_a_key_is_no_phrase_in_key_value_formats() -> None:
    from pattern_miner.phrases import find
    from pattern_miner.records import token_ids

    t = tok(".env", "LOG_LEVEL=debug\nexport PATH=x\n")
    _, phrases = find(t.language, t.struct, t.lit, t.lines, token_ids(t.struct))
    assert "LOG_LEVEL" not in phrases and "PATH" not in phrases


def test_a_lexer_past_its_time_budget_gives_way_to_the_text_lexer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Groovy's string rule takes time that grows with the square of escaped quotes (50,000: minutes)."""
    from pattern_miner import textlex

    monkeypatch.setattr(textlex, "LEX_SECONDS", 0.05)
    monkeypatch.setattr(textlex, "LEX_SECONDS_PER_MB", 0.0)
    start = time.monotonic()
    t = tok("build.gradle", 'x = "' + '\\"' * 6000 + "\nid 'java'\n")
    assert t.fallback and t.language == "groovy" and time.monotonic() - start < 2.0
    assert t.lines[-1] == 2 and "id" in t.struct
    assert not tok("build.gradle", "id 'java'\n").fallback


@pytest.mark.parametrize(
    ("path", "expected"),
    [("svc/pom.xml", {("configuration", "build")}), ("build.gradle", {("configuration", "build")}),
     ("build.gradle.kts", {("configuration", "build")}), (".env.test.example", {("configuration", "environment")}),
     ("config.env", {("configuration", "environment")}), ("logback-spring.xml", {("configuration", "logging")}),
     ("Jenkinsfile", {("ci_workflow", "jenkins")}), ("src/Order.java", set())],
)
def test_file_kinds_say_what_a_file_is_for(path: str, expected: set[tuple[str, str]]) -> None:
    from pattern_miner.languages.formats import file_kinds

    assert {(k.category, k.what) for k in file_kinds(path)} == expected
