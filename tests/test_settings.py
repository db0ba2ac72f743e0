"""The one settings record: its table, and the three surfaces that fill it (CLI, Action, service)."""

from __future__ import annotations

import argparse
import json
from dataclasses import fields
from pathlib import Path

import pytest

from pattern_miner.errors import UsageError
from pattern_miner.settings import (
    BY_FIELD,
    OPTIONS,
    Settings,
    add_cli_options,
    from_action,
    from_cli,
    from_service,
)

RUNNER = {"GITHUB_WORKSPACE": "/ws", "GITHUB_REPOSITORY": "acme/hub", "GITHUB_TOKEN": "tok"}


def test_every_option_sets_a_field_and_every_user_setting_has_an_option() -> None:
    names = {f.name for f in fields(Settings)}
    assert {o.field for o in OPTIONS} <= names
    internal = {"source", "local_paths", "local_root", "run_id", "summary_repo"}  # set by each surface itself
    assert names - {o.field for o in OPTIONS} == internal


def test_action_inputs_are_trimmed_typed_and_relative_to_the_workspace() -> None:
    env = {**RUNNER, "INPUT_GITHUB-TOKEN": "  tok2 \n", "INPUT_DRY-RUN": "TRUE", "INPUT_REPOS": "a/b, c/d\ne/f,,",
           "INPUT_MIN-SIMILARITY": "0.8", "INPUT_MAX-ISSUES": "3", "INPUT_CACHE-DIR": "cache",
           "GITHUB_RUN_ID": "7", "GITHUB_ACTION": "mine"}
    s = from_action(env)
    assert (s.token, s.dry_run, s.repos, s.min_similarity, s.max_issues) == ("tok2", True, ("a/b", "c/d", "e/f"), 0.8, 3)
    assert (s.config_path, s.cache_dir, s.report_path) == ("/ws/config/repositories.json", "/ws/cache",
                                                          "/ws/cache/pattern-miner-report.json")
    assert (s.issue_repo, s.summary_repo, s.run_id, s.source) == ("acme/hub", "acme/hub", "7.1.mine", "github")
    defaults = from_action(RUNNER)
    assert (defaults.dry_run, defaults.token, defaults.labels, defaults.max_model_calls) == (
        False, "tok", ("pattern-miner",), 50)


@pytest.mark.parametrize(("inputs", "message"), [
    ({"INPUT_DRY-RUN": "maybe"}, "input dry-run must be true or false, got 'maybe'"),
    ({"INPUT_MAX-ISSUES": "ten"}, "input max-issues must be a whole number, got 'ten'"),
    ({"INPUT_MIN-SIMILARITY": "high"}, "input min-similarity must be a number, got 'high'"),
    ({"INPUT_ISSUE-TARGET": "everywhere"}, "input issue-target must be one of central, per-repo, got 'everywhere'"),
    ({"INPUT_PRIVATE-PATTERNS": "show"}, "input private-patterns must be one of redact, skip, got 'show'"),
    ({"INPUT_LABELS": " , "}, "input labels: at least one label is needed"),
    ({"INPUT_DASHBOARD": "sometimes"}, "input dashboard must be true or false, got 'sometimes'"),
])
def test_bad_inputs_are_one_line_naming_the_input(inputs: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError) as raised:
        from_action({**RUNNER, **inputs})
    assert str(raised.value).startswith(message)


def test_the_cli_spells_every_option_the_same_way_in_every_command(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    add_cli_options(parser, [o.field for o in OPTIONS if o.flag])
    args = parser.parse_args(["--pattern-type", "docker", "--min-similarity", "0.9", "--repos", "a/b,c/d",
                              "--max-issues", "2", "--labels", "x,y"])
    s = from_cli(args, {}, source="local")
    assert (s.pattern_type, s.min_similarity, s.repos, s.max_issues, s.labels) == ("docker", 0.9, ("a/b", "c/d"), 2,
                                                                                   ("x", "y"))
    assert BY_FIELD["pattern_type"].flag == "--pattern-type"
    with pytest.raises(UsageError, match="--min-similarity must be between 0 and 1, got 1.5"):
        from_cli(parser.parse_args(["--min-similarity", "1.5"]), {})


def test_the_service_scans_local_checkouts_without_a_token(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    config = tmp_path / "repositories.json"
    config.write_text(json.dumps({"repositories": [{"repo": "o/a", "path": "a"}, {"repo": "o/b"}]}))
    s = from_service({"CONFIG": str(config)}, run_id="r")
    assert (s.source, s.dry_run, s.local_paths) == ("local", True, (str(tmp_path / "a"),))
    with pytest.raises(UsageError, match="publishing needs GITHUB_TOKEN"):
        from_service({"CONFIG": str(config)}, dry_run=False)
    with pytest.raises(UsageError, match="no repositories\\[\\].path"):
        from_service({"CONFIG": str(config)}, repos=["o/b"])


def test_the_dashboard_is_on_by_default_and_off_from_every_surface(tmp_path: Path) -> None:
    assert Settings().dashboard and from_action(RUNNER).dashboard
    assert not from_action({**RUNNER, "INPUT_DASHBOARD": "false"}).dashboard
    parser = argparse.ArgumentParser()
    add_cli_options(parser, [o.field for o in OPTIONS if o.flag])
    assert not from_cli(parser.parse_args(["--dashboard", "false"]), {}, source="local").dashboard
    assert from_cli(parser.parse_args([]), {}, source="local").dashboard
    (tmp_path / "a").mkdir()
    config = tmp_path / "repositories.json"
    config.write_text(json.dumps({"repositories": [{"repo": "o/a", "path": str(tmp_path / "a")}]}))
    assert not from_service({"CONFIG": str(config), "DASHBOARD": "false"}, run_id="r").dashboard
