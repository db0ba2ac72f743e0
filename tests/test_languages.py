"""Per-language normalization: golden token dumps, and the properties each language's rules promise.

The golden files under tests/golden/<language>/ are small realistic inputs; next to each is
``<name>.tokens``, the expected ``pattern-miner dump-tokens --literal`` output. After a deliberate
change to the rules, rewrite them with ``PM_UPDATE_GOLDEN=1 pytest tests/test_languages.py`` and read
the diff before committing it.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from pattern_miner.console import Console
from pattern_miner.languages import all_specs, by_name, for_path
from pattern_miner.languages.formats import FORMATS
from pattern_miner.main import main
from pattern_miner.parse import TokenizedFile, tokenize

GOLDEN = Path(__file__).resolve().parent / "golden"
SUFFIX = ".tokens"
CASES = sorted(
    p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file() and not p.name.endswith(SUFFIX)
)


def dump(rel: str) -> str:
    """`pattern-miner dump-tokens --literal` of a golden input, its path shown relative to tests/golden."""
    out, err = io.StringIO(), io.StringIO()
    path = GOLDEN / rel
    assert main(["dump-tokens", "--literal", str(path)], Console(out, err)) == 0, err.getvalue()
    return out.getvalue().replace(str(path), rel, 1)


def tok(rel: str) -> TokenizedFile:
    return tokenize(rel, (GOLDEN / rel).read_bytes())


def on_line(t: TokenizedFile, line: int) -> list[tuple[str, str]]:
    """(struct, lit) of every token on one source line."""
    return [(s, lit) for s, lit, n in zip(t.struct, t.lit, t.lines, strict=True) if n == line]


def struct_line(t: TokenizedFile, line: int) -> list[str]:
    return [s for s, _ in on_line(t, line)]


def units(t: TokenizedFile) -> list[tuple[str, str, int, int]]:
    return [(u.kind, u.name, u.start_line, u.end_line) for u in t.units]


def source_line(rel: str, line: int) -> str:
    return (GOLDEN / rel).read_text(encoding="utf-8").split("\n")[line - 1]


# ----------------------------------------------------------------------------- golden dumps


@pytest.mark.parametrize("rel", CASES)
def test_golden_token_dump(rel: str) -> None:
    expected_path = GOLDEN / (rel + SUFFIX)
    actual = dump(rel)
    if os.environ.get("PM_UPDATE_GOLDEN") == "1":
        expected_path.write_text(actual, encoding="utf-8")
        return
    assert expected_path.is_file(), f"no {expected_path.name}: run with PM_UPDATE_GOLDEN=1 to create it"
    assert actual == expected_path.read_text(encoding="utf-8")


def test_every_language_has_a_golden_fixture() -> None:
    covered = {dump(rel).split("\n", 1)[0].split(": ")[1].split(",")[0] for rel in CASES}
    assert covered == {spec.name for spec in all_specs()} | {fmt.name for fmt in FORMATS} | {"text"}


def test_every_golden_expectation_has_its_input() -> None:
    orphans = [p.name for p in GOLDEN.rglob("*" + SUFFIX) if not p.with_name(p.name[: -len(SUFFIX)]).is_file()]
    assert orphans == []


def test_golden_tokens_sit_on_their_source_lines() -> None:
    """Every token's literal text is found on the source line it is attributed to (multi-line tokens
    start there)."""
    for rel in CASES:
        t = tok(rel)
        assert t.struct, rel
        for lit, line in zip(t.lit, t.lines, strict=True):
            first = lit.split("\n", 1)[0].strip()
            assert first.split()[0] in source_line(rel, line) if first else True, (rel, line, lit)


def test_golden_units_lie_within_the_file() -> None:
    for rel in CASES:
        t = tok(rel)
        for u in t.units:
            assert 1 <= u.start_line <= u.end_line <= t.n_lines, (rel, u)
            assert 0 <= u.start < u.end <= len(t.struct), (rel, u)
            assert t.lines[u.start] >= u.start_line and t.lines[u.end - 1] <= u.end_line, (rel, u)


# ----------------------------------------------------------------------------- language detection


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("a/b/app.py", "python"), ("x.pyi", "python"), ("web/index.js", "javascript"), ("x.mjs", "javascript"),
        ("x.jsx", "javascript"), ("src/a.ts", "typescript"), ("src/A.tsx", "tsx"), ("cmd/main.go", "go"),
        ("deploy.sh", "bash"), ("Dockerfile", "dockerfile"), ("Dockerfile.prod", "dockerfile"),
        ("api.Dockerfile", "dockerfile"), ("Containerfile", "dockerfile"), (".github/workflows/ci.yml", "yaml"),
        ("cloudbuild.yaml", "yaml"), ("main.tf", "hcl"), ("prod.tfvars", "hcl"), ("package.json", "json"),
        ("SRC/APP.PY", "python"),
    ],
)
def test_language_for_path(path: str, language: str) -> None:
    spec = for_path(path)
    assert spec is not None and spec.name == language


@pytest.mark.parametrize("path", ["README.md", "nginx.conf", "data.csv", "app.properties", "dockerfile-notes.txt"])
def test_unsupported_paths_have_no_language(path: str) -> None:
    assert for_path(path) is None


def test_every_spec_loads_its_grammar_and_is_found_by_name() -> None:
    for spec in all_specs():
        assert by_name(spec.name) is spec
        assert spec.loader() is not None
    assert by_name("cobol") is None


# ----------------------------------------------------------------------------- python


def test_python_abstracts_names_and_literals_and_keeps_keywords() -> None:
    t = tok("python/ledger_client.py")
    assert "LedgerClient" not in t.struct and "LedgerClient" in t.lit
    assert {"class", "def", "return", "for", "if", "raise", "import"} <= set(t.struct)
    # line 20: the f-string is ONE value, whatever is interpolated in it
    assert struct_line(t, 20) == ["$id", ".", "$id", ".", "$id", "[", "$str", "]", "=", "$str"]
    assert ("$num", "0.5") in on_line(t, 29)
    assert on_line(t, 9) == [("$id", "RETRYABLE"), ("=", "="), ("{", "{"), ("$num", "429"), (",", ","),
                             ("$num", "502"), (",", ","), ("$num", "503"), ("}", "}")]


def test_python_comments_are_dropped() -> None:
    t = tok("python/ledger_client.py")
    assert struct_line(t, 24) == []  # "# retry with backoff"
    assert not any("transient" in lit or "backoff" in lit for lit in t.lit)


def test_python_units() -> None:
    assert units(tok("python/ledger_client.py")) == [
        ("class", "LedgerError", 12, 13),
        ("class", "LedgerClient", 16, 32),
        ("function", "__init__", 17, 21),
        ("function", "get", 23, 32),
        ("function", "entry_url", 35, 36),
    ]


# ----------------------------------------------------------------------------- javascript / typescript


def test_javascript_tokens_and_units() -> None:
    t = tok("javascript/retry.js")
    assert struct_line(t, 1) == []  # comment
    assert struct_line(t, 10) == ["const", "$id", "=", "(", "$id", ")", "=>", "$str", ".", "$id", "(", "$id", ".",
                                  "$id", ")", "||", "$id", ".", "$id", ">=", "$num", ";"]
    assert ("$str", "`gave up after ${attempts} attempts: ${lastError.message}`") in on_line(t, 23)
    assert units(t) == [
        ("function", "sleep", 6, 8),
        ("function", "isRetryable", 10, 10),
        ("function", "withRetry", 12, 24),
        ("class", "Backoff", 26, 30),
        ("method", "next", 27, 29),
    ]


def test_typescript_types_are_abstracted_and_units_found() -> None:
    t = tok("typescript/settings.ts")
    assert struct_line(t, 3) == ["$id", ":", "$type", ";"]
    assert on_line(t, 3)[2] == ("$type", "string")
    assert units(t) == [
        ("interface", "Settings", 2, 6),
        ("class", "SettingsError", 10, 14),
        ("method", "constructor", 11, 13),
        ("function", "loadSettings", 16, 26),
    ]


def test_tsx_abstracts_jsx_names() -> None:
    t = tok("tsx/Banner.tsx")
    assert t.language == "tsx" and not t.fallback
    assert struct_line(t, 15) == ["<", "$id", "$id", "=", "$str", "$id", "=", "$str", ">"]
    assert ("$id", "className") in on_line(t, 15)
    assert struct_line(t, 8) == []  # comment
    assert units(t) == [("interface", "BannerProps", 3, 6), ("function", "Banner", 9, 20)]


# ----------------------------------------------------------------------------- go


def test_go_tokens_and_units() -> None:
    t = tok("go/health.go")
    assert struct_line(t, 1) == []  # comment
    assert struct_line(t, 18) == ["func", "$id", "(", "$id", "$id", ")", "*", "$id", "{"]
    assert ("$str", "`json:\"ok\"`") in on_line(t, 10)
    assert [(k, s, e) for k, _, s, e in units(t)] == [
        ("type", 9, 12), ("type", 14, 16), ("function", 18, 20), ("method", 22, 27),
    ]
    assert [n for k, n, _, _ in units(t) if k in ("function", "method")] == ["New", "ServeHTTP"]


# ----------------------------------------------------------------------------- bash


def test_bash_keeps_commands_subcommands_and_flags_but_not_values() -> None:
    t = tok("bash/deploy.sh")
    assert struct_line(t, 1) == [] and struct_line(t, 2) == []  # shebang and comment
    assert struct_line(t, 3) == ["set", "-euo", "pipefail"]
    assert struct_line(t, 18)[:4] == ["gcloud", "run", "deploy", '"']
    assert "checkout-api" not in struct_line(t, 7) and ("$str", "checkout-api") in on_line(t, 7)
    for line, flag in [(19, "--project"), (20, "--region"), (21, "--image"), (23, "--no-allow-unauthenticated")]:
        assert flag in struct_line(t, line)
    assert struct_line(t, 19).count("$var") == 1  # "${PROJECT_ID}"
    assert "PROJECT_ID" not in t.struct and "us-central1" not in t.struct


def test_bash_function_unit() -> None:
    t = tok("bash/deploy.sh")
    assert units(t) == [("function", "log", 9, 11)]
    assert struct_line(t, 9)[0] == "$word"  # the function's name is abstracted


# ----------------------------------------------------------------------------- dockerfile


def test_dockerfile_keeps_instructions_and_run_commands() -> None:
    rel = "dockerfile/Dockerfile"
    t = tok(rel)
    assert struct_line(t, 1) == []  # the syntax directive is a comment
    assert struct_line(t, 2) == ["FROM", "$image", "$tag", "AS", "$id"]
    instructions = {s for s in t.struct if s.isupper() and s.isalpha()}
    assert {"FROM", "WORKDIR", "COPY", "RUN", "ENV", "USER", "EXPOSE", "CMD", "AS"} <= instructions
    assert struct_line(t, 5)[:3] == ["RUN", "pip", "wheel"] and "--wheel-dir" in struct_line(t, 5)
    assert struct_line(t, 11)[:5] == ["&&", "apt-get", "install", "-y", "--no-install-recommends"]
    assert "python" not in t.struct and "3.12-slim" not in " ".join(t.struct)


def test_dockerfile_stages_are_units() -> None:
    assert units(tok("dockerfile/Dockerfile")) == [("stage", "stage 1", 2, 5), ("stage", "stage 2", 7, 18)]


def test_single_stage_dockerfile_has_no_stage_unit() -> None:
    t = tokenize("Dockerfile", b"FROM alpine:3.20\nRUN apk add curl\nCMD [\"sh\"]\n")
    assert t.units == [] and not t.fallback


# ----------------------------------------------------------------------------- yaml


def test_workflow_keeps_keys_actions_and_runner() -> None:
    rel = "yaml/.github/workflows/ci.yml"
    t = tok(rel)
    assert on_line(t, 1) == [("name", "name"), (":", ":"), ("$val", "CI")]
    assert struct_line(t, 12) == ["-", "uses", ":", "actions/checkout@v4"]
    assert struct_line(t, 25) == ["-", "uses", ":", "google-github-actions/auth@v2"]
    assert struct_line(t, 10) == ["runs-on", ":", "ubuntu-latest"]
    assert struct_line(t, 15) == ["python-version", ":", "$val"]
    assert struct_line(t, 16) == []  # comment
    # a `run: |` block is shell: its commands are kept, its values abstracted
    assert struct_line(t, 19) == ["pip", "install", "-r", "$word"]
    assert struct_line(t, 29)[:3] == ["gcloud", "run", "deploy"] and "--region" in struct_line(t, 29)
    assert "us-central1" not in struct_line(t, 29)


def test_workflow_units_are_jobs_and_steps() -> None:
    assert units(tok("yaml/.github/workflows/ci.yml")) == [
        ("job", "test", 9, 20),
        ("step", "", 12, 12),
        ("step", "", 13, 15),
        ("step", "", 17, 20),
        ("job", "deploy", 21, 29),
        ("step", "", 25, 27),
        ("step", "", 28, 29),
    ]


def test_compose_services_are_units() -> None:
    t = tok("yaml/docker-compose.yml")
    assert units(t) == [("service", "api", 2, 8), ("service", "db", 9, 12)]
    assert struct_line(t, 10) == ["image", ":", "$val"]


# ----------------------------------------------------------------------------- terraform


def test_terraform_keeps_block_and_resource_types() -> None:
    t = tok("hcl/main.tf")
    assert struct_line(t, 15) == ["resource", '"google_service_account"', "$str", "{"]
    assert on_line(t, 15)[2] == ("$str", '"runtime"')
    assert struct_line(t, 20) == ["resource", '"google_cloud_run_v2_service"', "$str", "{"]
    assert struct_line(t, 10) == ["provider", "$str", "{"]
    assert struct_line(t, 31) == ["variable", "$str", "{"]
    assert struct_line(t, 21) == ["name", "=", "var", "$ref"]
    assert struct_line(t, 26) == ["max_instance_count", "=", "$num"]
    assert struct_line(t, 14) == []  # comment


def test_terraform_units_skip_boilerplate_blocks() -> None:
    assert units(tok("hcl/main.tf")) == [
        ("block", 'resource "google_service_account" "runtime"', 15, 18),
        ("block", 'resource "google_cloud_run_v2_service" "api"', 20, 29),
        ("block", "template", 23, 28),
        ("block", "scaling", 25, 27),
        ("block", 'variable "region"', 31, 34),
        ("block", 'output "url"', 36, 38),
    ]


# ----------------------------------------------------------------------------- json and the fallback


def test_json_keeps_keys_and_abstracts_values() -> None:
    t = tok("json/package.json")
    assert struct_line(t, 2) == ['"name"', ":", "$str", ","]
    assert struct_line(t, 6) == ['"build"', ":", "$str", ","]
    assert struct_line(t, 12) == ['"files"', ":", "[", "$str", ",", "null", ",", "$num", "]"]
    assert t.units == []


def test_unsupported_file_is_lexed_line_by_line() -> None:
    t = tok("fallback/nginx.conf")
    assert not t.fallback and t.language == "conf" and t.units == []  # a known text format: no fallback
    assert struct_line(t, 1) == []  # "# ..." comment
    assert struct_line(t, 3) == ["listen", "$num", ";"]
    assert ("$var", "$uri") in on_line(t, 12)


def test_broken_code_falls_back_and_keeps_its_language() -> None:
    t = tok("fallback/broken.py")
    assert t.fallback and t.language == "python" and t.units == []
    assert len(set(t.lines)) == 6
