"""`pattern-miner scan` and `pattern-miner dump-tokens` from the command line: layouts, formats, and
every kind of bad input ending in one clear line and no traceback."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pattern_miner.console import Console
from pattern_miner.main import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "repos"
REPOS = sorted(str(p) for p in EXAMPLES.iterdir() if p.is_dir())


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), Console(out, err))
    return code, out.getvalue(), err.getvalue()


def one_error(err: str) -> str:
    """The single error line of a failed command (after any warnings)."""
    lines = [line for line in err.splitlines() if not line.startswith("warning: ")]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "Traceback" not in err
    return lines[0][len("error: "):]


def two_repos(tmp_path: Path) -> tuple[Path, Path]:
    """Two small repositories sharing a Dockerfile, to add bad files to."""
    a, b = tmp_path / "a", tmp_path / "b"
    for repo, src in ((a, "checkout-api"), (b, "inventory-service")):
        repo.mkdir()
        shutil.copy(EXAMPLES / src / "Dockerfile", repo / "Dockerfile")
        shutil.copy(EXAMPLES / src / "requirements.txt", repo / "requirements.txt")
    return a, b


def json_scan(*argv: str) -> dict[str, Any]:
    code, out, err = cli("scan", "-j1", "--format", "json", *argv)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


# ----------------------------------------------------------------------------- layouts and formats


def test_scan_paths_prints_the_table() -> None:
    code, out, err = cli("scan", "-j1", *REPOS)
    assert code == 0 and "Traceback" not in err
    assert out.startswith("Scanned 5 repositories, ")
    assert "Skipped: 1 empty" in out
    assert "local/checkout-api/deploy.sh" in out and "local/billing-worker/scripts/deploy-gcp.sh" in out
    assert "  ci_workflow  " in out and "[github-actions-" in out  # opportunities, by category


def test_scan_root_names_repositories_owner_slash_name(tmp_path: Path) -> None:
    root = tmp_path / "root"
    for owner, name in (("acme", "checkout-api"), ("acme", "billing-worker"), ("shop", "inventory-service")):
        shutil.copytree(EXAMPLES / name, root / owner / name)
    (root / ".cache" / "x" / "y").mkdir(parents=True)  # hidden directories are not owners
    doc = json_scan("--root", str(root))
    assert [r["name"] for r in doc["repositories"]] == ["acme/billing-worker", "acme/checkout-api",
                                                        "shop/inventory-service"]
    docker = next(p for p in doc["patterns"] if p["pattern_type"] == "docker")
    assert docker["repos"] == ["acme/billing-worker", "acme/checkout-api", "shop/inventory-service"]


def test_scan_paths_and_root_together_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = cli("scan", "--root", str(tmp_path), REPOS[0])
    assert code == 1 and one_error(err) == "give either PATH... or --root DIR, not both"


def test_scan_with_nothing_to_scan() -> None:
    code, _, err = cli("scan")
    assert code == 1 and one_error(err).startswith("nothing to scan: ")


def test_scan_repositories_from_config_paths(tmp_path: Path) -> None:
    config = tmp_path / "repositories.json"
    config.write_text(json.dumps({"repositories": [
        {"repo": "acme/checkout-api", "path": str(EXAMPLES / "checkout-api"), "scan_patterns": ["docker"]},
        {"repo": "acme/inventory", "path": str(EXAMPLES / "inventory-service")},
    ]}))
    doc = json_scan("--config", str(config))
    assert [r["name"] for r in doc["repositories"]] == ["acme/checkout-api", "acme/inventory"]
    assert [p["pattern_type"] for p in doc["patterns"]] == ["docker"]


def test_the_same_path_twice_is_one_repository() -> None:
    twice = json_scan(REPOS[0], REPOS[1], REPOS[0], REPOS[1] + "/")
    assert twice["repositories_scanned"] == 2


def test_root_of_repositories_is_refused_with_the_command_that_scans_them(tmp_path: Path) -> None:
    (tmp_path / "root").mkdir()
    a, b = two_repos(tmp_path / "root")
    code, _, err = cli("scan", "--root", str(tmp_path / "root"))
    assert code == 1 and one_error(err) == (
        f"{tmp_path / 'root'}: a, b are repositories, not <owner> folders: --root DIR expects "
        f"DIR/<owner>/<name>/; to scan each folder of {tmp_path / 'root'} as a repository, give them as paths: "
        f"pattern-miner scan {tmp_path / 'root'}/*")
    assert json_scan(str(a), str(b))["repositories_scanned"] == 2  # as it says


def test_mine_reads_local_paths_from_the_config_like_scan(tmp_path: Path) -> None:
    a, b = two_repos(tmp_path)
    config = tmp_path / "repositories.json"
    config.write_text(json.dumps({"repositories": [{"repo": "acme/a", "path": "a"}, {"repo": "acme/b", "path": "b"}]}))
    code, out, err = cli("mine", "--config", str(config), "--cache-dir", str(tmp_path / "c"), "--pattern-type", "docker")
    assert code == 0, err
    assert "Repositories scanned" in out and "| 2 |" in out
    assert json_scan("--config", str(config), "--pattern-type", "docker")["repositories_scanned"] == 2


def test_json_format() -> None:
    doc = json_scan(*REPOS)
    assert doc["tool"] == "pattern-miner" and doc["repositories_scanned"] == 5
    assert doc["patterns_found"] == len(doc["patterns"]) >= 7
    assert all("text" not in o for p in doc["patterns"] for o in p["occurrences"])
    with_text = json_scan("--with-text", *REPOS)
    assert all(o["text"] for p in with_text["patterns"] for o in p["occurrences"])


def test_markdown_format_and_limit() -> None:
    code, out, _ = cli("scan", "-j1", "--format", "markdown", "--limit", "2", *REPOS)
    assert code == 0 and out.startswith("# Pattern Miner report\n")
    assert out.count("\n## ") == 2
    assert "| # | Opportunity | Kind | Category | Value | Confidence | Repositories | Lines |" in out


def test_table_limit() -> None:
    code, out, _ = cli("scan", "-j1", "--limit", "1", *REPOS)
    assert code == 0 and "... and " in out and "more (use --format json for all)" in out
    assert out.count("  High  ") + out.count("  Medium  ") + out.count("  Low  ") == 1


def test_sarif_format_has_the_required_2_1_0_shape() -> None:
    code, out, _ = cli("scan", "-j1", "--format", "sarif", *REPOS)
    assert code == 0
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0" and "sarif" in sarif["$schema"]
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "pattern-miner" and driver["version"]
    rule_ids = [r["id"] for r in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids)) > 0
    assert run["results"]
    for result in run["results"]:
        assert result["ruleId"] in rule_ids
        assert result["message"]["text"]
        assert result["level"] in ("none", "note", "warning", "error")
        for loc in result["locations"] + result["relatedLocations"]:
            phys = loc["physicalLocation"]
            assert phys["artifactLocation"]["uri"] and not phys["artifactLocation"]["uri"].startswith("/")
            assert phys["artifactLocation"]["uriBaseId"] in run["originalUriBaseIds"]
            assert isinstance(phys["region"]["startLine"], int) and phys["region"]["startLine"] >= 1
        assert len(result["locations"]) == 1
        assert [loc["id"] for loc in result["relatedLocations"]] == list(range(1, len(result["relatedLocations"]) + 1))


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, err = cli("scan", "-j1", "--format", "json", "--output", str(target), *REPOS)
    assert code == 0 and out == ""
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert f"{doc['patterns_found']} patterns written to {target}" in err


def test_unwritable_output_is_one_line(tmp_path: Path) -> None:
    missing_dir = tmp_path / "no" / "report.json"
    code, out, err = cli("scan", "-j1", "-o", str(missing_dir), *REPOS)
    assert code == 1 and out == "" and one_error(err) == f"cannot write {missing_dir}: No such file or directory"
    code, _, err = cli("scan", "-j1", "-o", str(tmp_path), *REPOS)
    assert code == 1 and one_error(err) == f"cannot write {tmp_path}: Is a directory"


@pytest.mark.parametrize("value", ["0", "-1"])
def test_limit_must_be_positive(value: str) -> None:
    code, _, err = cli("scan", "--limit", value, *REPOS)
    assert code == 1 and one_error(err) == f"--limit must be at least 1, got {value}"


def test_quiet_silences_progress_but_not_errors(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    code, _, err = cli("scan", "-j1", "-q", "--format", "markdown", "-o", str(target), *REPOS)
    assert code == 0 and err == "" and target.read_text(encoding="utf-8").startswith("# Pattern Miner report")


def test_pattern_type_filter() -> None:
    doc = json_scan("--pattern-type", "deployment", *REPOS)
    assert {p["pattern_type"] for p in doc["patterns"]} == {"deployment"}


def test_unknown_pattern_type_is_one_line() -> None:
    code, out, err = cli("scan", "-j1", "--pattern-type", "dockr", *REPOS)
    assert code == 1 and out == ""
    message = one_error(err)
    assert message.startswith("unknown pattern type 'dockr' (known: deployment, docker, ")


@pytest.mark.parametrize("value", ["1.5", "-0.1"])
def test_min_similarity_out_of_range(value: str) -> None:
    code, _, err = cli("scan", "--min-similarity", value, *REPOS)
    assert code == 1 and one_error(err) == f"--min-similarity must be between 0 and 1, got {float(value)}"


def test_min_similarity_in_range_is_used() -> None:
    strict = json_scan("--min-similarity", "0.99", *REPOS)
    default = json_scan(*REPOS)
    assert len(strict["patterns"]) < len(default["patterns"])


def test_jobs_must_be_positive() -> None:
    code, _, err = cli("scan", "--jobs", "0", *REPOS)
    assert code == 1 and one_error(err) == "--jobs must be at least 1, got 0"


def test_parallel_scan_matches_serial() -> None:
    serial = json_scan(*REPOS)
    code, out, _ = cli("scan", "--jobs", "2", "--format", "json", *REPOS)
    parallel = json.loads(out)
    for doc in (serial, parallel):
        doc["stats"].pop("seconds")
    assert code == 0 and parallel == serial


# ----------------------------------------------------------------------------- bad inputs


def test_nonexistent_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    code, _, err = cli("scan", REPOS[0], str(missing))
    assert code == 1 and one_error(err) == f"{missing}: no such directory"


def test_a_file_is_not_a_repository(tmp_path: Path) -> None:
    f = tmp_path / "file.py"
    f.write_text("x = 1\n")
    code, _, err = cli("scan", str(f), REPOS[0])
    assert code == 1 and one_error(err) == f"{f}: not a directory"


def test_empty_directories_scan_to_an_empty_report(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    code, out, err = cli("scan", "-j1", str(tmp_path / "a"), str(tmp_path / "b"))
    assert code == 0 and "Traceback" not in err
    assert out.startswith("Scanned 2 repositories, 0 files, 0 lines")
    assert "No patterns copied across repositories were found." in out


def test_a_single_repository_warns(tmp_path: Path) -> None:
    code, _, err = cli("scan", "-j1", REPOS[0])
    assert code == 0
    assert "warning: 1 repository given: patterns need copies in at least 2" in err


def test_empty_root(tmp_path: Path) -> None:
    code, _, err = cli("scan", "--root", str(tmp_path))
    assert code == 1 and one_error(err).startswith(f"{tmp_path}: no repositories found (expected ")


def test_binary_file_is_skipped_and_counted(tmp_path: Path) -> None:
    a, b = two_repos(tmp_path)
    (a / "tool.py").write_bytes(b"import os\x00\x01\x02" * 100)
    code, out, _ = cli("scan", "-j1", str(a), str(b))
    assert code == 0 and "Skipped: 1 binary" in out
    assert "docker" in out  # the rest of the scan goes on


def test_huge_file_is_skipped_without_being_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = two_repos(tmp_path)
    huge = a / "generated.py"
    with open(huge, "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: no disk used
    opened: list[str] = []
    real_open = os.open

    def spy(path: Any, *args: Any, **kwargs: Any) -> int:
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    code, out, _ = cli("scan", "-j1", str(a), str(b))
    assert code == 0 and "Skipped: 1 too-large" in out
    assert str(huge) not in opened
    assert any(p.endswith("Dockerfile") for p in opened)  # the spy sees the files that are read


def test_invalid_utf8_file_is_scanned(tmp_path: Path) -> None:
    a, b = two_repos(tmp_path)
    (a / "latin1.py").write_bytes("# caf\xe9\nNAME = 'caf\xe9'\ndef f(x):\n    return x\n".encode("latin-1"))
    doc = json_scan(str(a), str(b))
    assert doc["stats"]["files_scanned"] == 3 and doc["stats"]["files_skipped"] == {}


def test_broken_syntax_file_is_counted_as_fallback(tmp_path: Path) -> None:
    a, b = two_repos(tmp_path)
    (a / "broken.py").write_text("def (:\n  ))) ]]] if if if\nclass {{{ return\n  x = = = 'oops\n")
    code, out, _ = cli("scan", "-j1", str(a), str(b))
    assert code == 0 and "Compared line by line (no grammar or unparsable): 1 files" in out


def test_all_bad_files_together(tmp_path: Path) -> None:
    a, b = two_repos(tmp_path)
    (a / "blob.py").write_bytes(b"\x00" * 64)
    (b / "blob.py").write_bytes(b"\x7fELF\x00\x00")
    (a / "empty.py").write_bytes(b"")
    doc = json_scan(str(a), str(b))
    assert doc["stats"]["files_skipped"] == {"binary": 2, "empty": 1}
    assert sorted((s["repo"], s["path"], s["reason"]) for s in doc["skipped"]) == [
        ("local/a", "blob.py", "binary"), ("local/a", "empty.py", "empty"), ("local/b", "blob.py", "binary"),
    ]


# ----------------------------------------------------------------------------- bad config


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "{path}: no such file"),
        ("{not json", "{path}: not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2"),
        ('{"repositories": "acme/api"}', "{path}: at repositories: expected a list but got 'acme/api'"),
        ('{"repositories": [{"repo": "acme/api", "scan_patterns": ["dockr"]}]}',
         "{path}: at repositories[0].scan_patterns[0]: expected one of deployment, docker, github_actions, "
         "terraform, configuration, api_client, code but got 'dockr'"),
        ('{"repositories": ["acme/api"], "min_repos": 1}', "{path}: at min_repos: expected an integer of at least 2 but got 1"),
        # bounded: what Python's json cannot take is one line too, not a RecursionError or ValueError traceback
        ('{"repositories": ' + "[" * 5000 + "]" * 5000 + "}", "{path}: not valid JSON: nested too deeply"),
        ('{"repositories": ["acme/api"], "min_repos": ' + "7" * 5000 + "}",
         "{path}: not valid JSON: a number of 5000 digits (at most 4300)"),
    ],
)
def test_bad_config_is_one_breadcrumb_line(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "repositories.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = cli("scan", "--config", str(path), *REPOS)
    assert code == 1 and out == ""
    assert one_error(err) == message.format(path=path)


def test_config_that_is_a_directory(tmp_path: Path) -> None:
    code, _, err = cli("scan", "--config", str(tmp_path), *REPOS)
    assert code == 1 and one_error(err) == f"{tmp_path}: is a directory, expected a JSON file"


def test_unknown_config_key_is_a_warning_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "repositories.json"
    path.write_text('{"repositories": ["acme/api"], "colour": "blue"}', encoding="utf-8")
    code, _, err = cli("scan", "-j1", "--config", str(path), *REPOS)
    assert code == 0 and f"warning: {path}: at colour: unknown key (ignored)" in err


# ----------------------------------------------------------------------------- dump-tokens


def test_dump_tokens_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.py"
    code, out, err = cli("dump-tokens", str(missing))
    assert code == 1 and out == ""
    assert one_error(err) == f"cannot read {missing}: No such file or directory"


def test_dump_tokens_directory(tmp_path: Path) -> None:
    code, _, err = cli("dump-tokens", str(tmp_path))
    assert code == 1 and one_error(err).startswith(f"cannot read {tmp_path}: ")


def test_dump_tokens_unknown_language(tmp_path: Path) -> None:
    f = tmp_path / "x.py"
    f.write_text("x = 1\n")
    code, _, err = cli("dump-tokens", "--language", "cobol", str(f))
    assert code == 1 and one_error(err) == "unknown language 'cobol'"


def test_dump_tokens_language_override_and_plain_output(tmp_path: Path) -> None:
    f = tmp_path / "deploy"
    f.write_text("# deploy it\ngcloud run deploy api --region us-east1\n")
    code, out, _ = cli("dump-tokens", "--language", "bash", str(f))
    assert code == 0
    assert out == f"# {f}: bash, 6 tokens, 2 lines (syntax tree)\n    2  gcloud run deploy api --region $word\n"
    code, out, _ = cli("dump-tokens", str(f))
    assert code == 0 and "text, " in out and "(line-based fallback)" in out


def test_dump_tokens_binary_file_does_not_crash(tmp_path: Path) -> None:
    f = tmp_path / "blob.py"
    f.write_bytes(bytes(range(256)) * 4)
    code, out, err = cli("dump-tokens", str(f))
    assert code == 0 and out.startswith(f"# {f}: python, ") and "Traceback" not in err


# ----------------------------------------------------------------------------- as a process


def run_process(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pattern_miner", *argv], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_process_error_has_no_traceback(tmp_path: Path) -> None:
    proc = run_process("scan", str(tmp_path / "missing"), str(tmp_path / "also-missing"))
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr == f"error: {tmp_path / 'missing'}: no such directory\n"


def test_process_scan_writes_sarif(tmp_path: Path) -> None:
    proc = run_process("scan", "-j1", "--format", "sarif", "-o", str(tmp_path / "out.sarif"), *REPOS)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_process_without_a_command_prints_help() -> None:
    proc = run_process()
    assert proc.returncode == 2 and "scan" in proc.stderr and "dump-tokens" in proc.stderr
