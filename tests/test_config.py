from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pytest

from pattern_miner.config import (
    BUILTIN_TYPES,
    DEFAULT_EXCLUDE,
    Config,
    PatternType,
    default_config,
    load_config,
)
from pattern_miner.console import Console
from pattern_miner.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
KNOWN = "deployment, docker, github_actions, terraform, configuration, api_client, code"


def _console() -> tuple[Console, io.StringIO]:
    err = io.StringIO()
    return Console(out=io.StringIO(), err=err), err


def _write(tmp_path: Path, doc: Any) -> Path:
    path = tmp_path / "repositories.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def _error(tmp_path: Path, doc: Any) -> str:
    path = _write(tmp_path, doc)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message[len(f"{path}: ") :]


def test_shipped_example_validates_without_warnings() -> None:
    console, err = _console()
    config = load_config(ROOT / "config" / "repositories.json", console)
    assert err.getvalue() == ""
    assert [r.repo for r in config.repositories][:2] == [
        "patelmm79/vllm-container-ngc",
        "patelmm79/agentic-log-attacker",
    ]
    assert config.repositories[0].scan_patterns == ("deployment", "docker", "github_actions")
    assert config.owners[0].owner == "patelmm79"
    assert config.owners[0].excluded.match("my-sandbox")
    assert "secret_management" in config.pattern_types
    assert config.source_path is not None and config.source_path.endswith("repositories.json")
    assert config.is_excluded("docs/deploy.sh")


# (path, the types expected first): the synthetic benchmark's file names
CLASSIFY = [
    ("cloudbuild.yaml", "deployment"),
    ("cloudbuild.backend.yaml", "deployment"),
    ("cloudbuild-dev.yaml", "deployment"),
    ("ci/cloudbuild.yaml", "deployment"),
    ("scripts/rollout.sh", "deployment"),
    ("deploy/api.sh", "deployment"),
    ("scripts/setup-gcp.sh", "deployment"),
    ("deploy-gcp-cloudbuild.sh", "deployment"),
    ("tools/deploy.sh", "deployment"),
    ("app.yaml", "deployment"),
    ("skaffold.yaml", "deployment"),
    ("docker-compose.prod.yml", "docker"),
    ("docker-compose.yml", "docker"),
    ("compose.yaml", "docker"),
    ("docker/compose.staging.yml", "docker"),
    ("Dockerfile", "docker"),
    ("Dockerfile.frontend", "docker"),
    ("services/jobs/Dockerfile", "docker"),
    (".dockerignore", "docker"),
    (".github/workflows/ci.yml", "github_actions"),
    (".github/workflows/release.yaml", "github_actions"),
    (".github/actions/setup/action.yml", "github_actions"),
    ("terraform/staging/main.tf", "terraform"),
    ("infra/prod.tfvars", "terraform"),
    ("app/config.py", "configuration"),
    ("src/settings.py", "configuration"),
    ("web/config.ts", "configuration"),
    (".env.example", "configuration"),
    ("billing/api_client.py", "api_client"),
    ("web/src/searchClient.ts", "api_client"),
    ("internal/client.go", "api_client"),
    ("src/handlers.py", "code"),
    ("web/src/App.tsx", "code"),
    ("cmd/main.go", "code"),
]


@pytest.mark.parametrize(("path", "first"), CLASSIFY)
def test_builtin_classification(path: str, first: str) -> None:
    types = default_config().types_for(path)
    assert types[0] == first
    assert types[-1] == "code" or path == ".dockerignore" or path == ".env.example"


@pytest.mark.parametrize(
    "path",
    ["README.md", "LICENSE", "node_modules/lib/client.js", "web/node_modules/x/index.js", "package-lock.json",
     "node_modules/x/y/client.js", "dist/app.min.js", "image.png"],
)
def test_unscanned_paths(path: str) -> None:
    assert default_config().types_for(path) == ()


def test_types_for_respects_scan_patterns() -> None:
    config = default_config()
    assert config.types_for("Dockerfile", ["deployment", "docker"]) == ("docker",)
    assert config.types_for("src/app.py", ["deployment", "docker"]) == ()
    assert config.types_for("src/app.py", []) == ("code",)


def test_builtin_types_are_complete_and_valid() -> None:
    config = default_config()
    assert list(config.pattern_types) == list(BUILTIN_TYPES)
    assert list(config.pattern_types)[-1] == "code"
    for t in config.pattern_types.values():
        assert t.description and t.file_patterns
        assert 0 < t.similarity_threshold <= 1
        assert t.extraction_priority in ("high", "medium", "low")
        assert t.matcher  # every glob compiles
    assert config.threshold("github_actions") == 0.70
    assert config.repositories == () and config.owners == ()
    assert config.exclude == DEFAULT_EXCLUDE


def test_threshold_of_unknown_type() -> None:
    with pytest.raises(ConfigError, match="unknown pattern type 'nope'"):
        default_config().threshold("nope")


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        default_config().min_repos = 3  # type: ignore[misc]


def test_minimal_seed_config(tmp_path: Path) -> None:
    config = load_config(
        _write(
            tmp_path,
            {
                "repositories": [{"repo": "o/a", "scan_patterns": ["deployment", "docker"]}],
                "pattern_types": {
                    "deployment": {"file_patterns": ["deploy*.sh", "cloudbuild.yaml", "Dockerfile"],
                                   "similarity_threshold": 0.75},
                    "github_actions": {"file_patterns": [".github/workflows/*.yml"], "similarity_threshold": 0.70},
                },
            },
        )
    )
    # a file entry overrides a built-in field by field
    deployment = config.pattern_types["deployment"]
    assert deployment.file_patterns == ("deploy*.sh", "cloudbuild.yaml", "Dockerfile")
    assert deployment.extraction_priority == "high"
    assert deployment.description == BUILTIN_TYPES["deployment"]["description"]
    assert config.types_for("scripts/rollout.sh") == ("code",)
    assert config.types_for("Dockerfile") == ("deployment", "docker", "code")
    assert config.types_for("Dockerfile", config.scan_patterns_for("o/a")) == ("deployment", "docker")
    assert config.scan_patterns_for("x/y") == ()
    assert config.min_repos == 2 and config.max_file_bytes == 1_000_000


def test_priority_order_file_types_first_code_last(tmp_path: Path) -> None:
    config = load_config(
        _write(
            tmp_path,
            {
                "repositories": ["o/a"],
                "pattern_types": {
                    "code": {"similarity_threshold": 0.9},
                    "makefiles": {"file_patterns": ["*.sh", "Makefile"], "similarity_threshold": 0.5},
                    "docker": {"extraction_priority": "low"},
                },
            },
        )
    )
    assert list(config.pattern_types) == [
        "makefiles", "docker", "deployment", "github_actions", "terraform", "configuration", "api_client", "code",
    ]
    assert config.types_for("scripts/deploy.sh") == ("makefiles", "deployment", "code")
    assert config.threshold("code") == 0.9
    assert config.pattern_types["makefiles"] == PatternType("makefiles", "", ("*.sh", "Makefile"), 0.5, "medium")


def test_owners_shorthand_and_objects(tmp_path: Path) -> None:
    config = load_config(
        _write(
            tmp_path,
            {
                "repositories": [],
                "owners": ["my-org", {"owner": "my-user", "scan_patterns": ["docker"], "include_forks": True,
                                      "include_private": False, "exclude_repos": ["old-*"]}],
            },
        )
    )
    assert config.repositories == ()
    org, user = config.owners
    assert (org.owner, org.include_forks, org.include_private, org.include_archived) == ("my-org", False, True, False)
    assert (user.owner, user.scan_patterns, user.include_forks, user.include_private) == (
        "my-user", ("docker",), True, False,
    )
    assert user.excluded.match("old-api") and not user.excluded.match("api")
    assert config.scan_patterns_for("my-user/anything") == ("docker",)


def test_repositories_may_be_absent_with_owners(tmp_path: Path) -> None:
    assert load_config(_write(tmp_path, {"owners": ["acme"]})).owners[0].owner == "acme"


def test_repository_path_is_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    path = tmp_path / "conf" / "r.json"
    path.write_text(json.dumps({"repositories": [{"repo": "o/a", "path": "../checkouts/a"}, "o/b"]}))
    config = load_config(path)
    assert config.repositories[0].path == str((tmp_path / "checkouts" / "a").resolve())
    assert config.repositories[1].path is None


def test_exclude_extends_the_defaults(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, {"repositories": ["o/a"], "exclude": ["legacy/", "*.gen.py"]}))
    assert config.exclude == DEFAULT_EXCLUDE + ("legacy/", "*.gen.py")
    assert config.types_for("legacy/deploy.sh") == ()
    assert config.types_for("src/models.gen.py") == ()
    assert config.types_for("src/models.py") == ("code",)


def test_numbers(tmp_path: Path) -> None:
    config = load_config(
        _write(tmp_path, {"repositories": ["o/a"], "min_repos": 3, "max_file_bytes": 2048,
                          "min_fragment_lines": 8, "min_fragment_tokens": 50})
    )
    assert (config.min_repos, config.max_file_bytes, config.min_fragment_lines, config.min_fragment_tokens) == (
        3, 2048, 8, 50,
    )


BAD = [
    ([], "at top level: expected an object but got a list"),
    ({}, 'at top level: expected at least one repository in "repositories" (or an "owners" list)'),
    ({"repositories": []}, 'at repositories: expected at least one repository in "repositories" (or an "owners" list)'),
    ({"repositories": {"repo": "o/a"}}, "at repositories: expected a list but got an object"),
    ({"repositories": ["o/a", 5]}, "at repositories[1]: expected an object or a string (repo) but got 5"),
    ({"repositories": [{"scan_patterns": []}]}, 'at repositories[0]: missing required key "repo"'),
    ({"repositories": ["not-a-repo"]}, "at repositories[0].repo: expected a repository \"owner/name\" but got 'not-a-repo'"),
    ({"repositories": [{"repo": "o/a/b"}]}, "at repositories[0].repo: expected a repository \"owner/name\" but got 'o/a/b'"),
    ({"repositories": [{"repo": "o/.."}]}, "at repositories[0].repo: expected a repository \"owner/name\" but got 'o/..'"),
    ({"repositories": ["o/a", {"repo": "o/b", "scan_patterns": ["dockr"]}]},
     f"at repositories[1].scan_patterns[0]: expected one of {KNOWN} but got 'dockr'"),
    ({"repositories": [{"repo": "o/a", "scan_patterns": "docker"}]},
     "at repositories[0].scan_patterns: expected a list but got 'docker'"),
    ({"repositories": ["o/a", "O/A"]}, "at repositories[1].repo: duplicate repository 'O/A' (also at repositories[0])"),
    ({"repositories": [{"repo": "o/a", "path": 3}]}, "at repositories[0].path: expected a string but got 3"),
    ({"owners": [{"owner": "bad owner"}]},
     "at owners[0].owner: expected a GitHub user or organization name but got 'bad owner'"),
    ({"owners": [{"owner": "o", "include_forks": "yes"}]}, "at owners[0].include_forks: expected true or false but got 'yes'"),
    ({"owners": [{"owner": "o", "exclude_repos": ["a["]}]},
     "at owners[0].exclude_repos[0]: expected a glob on repository names but got 'a[' (unclosed '[' in glob 'a[')"),
    ({"repositories": ["o/a"], "pattern_types": {"docker": {"similarity_threshold": 1.5}}},
     "at pattern_types.docker.similarity_threshold: expected a number from 0 to 1 but got 1.5"),
    ({"repositories": ["o/a"], "pattern_types": {"docker": {"similarity_threshold": -0.1}}},
     "at pattern_types.docker.similarity_threshold: expected a number from 0 to 1 but got -0.1"),
    ({"repositories": ["o/a"], "pattern_types": {"docker": {"similarity_threshold": "high"}}},
     "at pattern_types.docker.similarity_threshold: expected a number but got 'high'"),
    ({"repositories": ["o/a"], "pattern_types": {"docker": {"similarity_threshold": True}}},
     "at pattern_types.docker.similarity_threshold: expected a number but got true"),
    ({"repositories": ["o/a"], "pattern_types": {"docker": {"extraction_priority": "urgent"}}},
     "at pattern_types.docker.extraction_priority: expected one of high, medium, low but got 'urgent'"),
    ({"repositories": ["o/a"], "pattern_types": {"docker": {"file_patterns": ["Dockerfile", "*.{yml"]}}},
     "at pattern_types.docker.file_patterns[1]: expected a glob pattern but got '*.{yml' (unclosed '{' in glob '*.{yml')"),
    ({"repositories": ["o/a"], "pattern_types": {"docker": {"file_patterns": []}}},
     "at pattern_types.docker.file_patterns: expected a non-empty list but got an empty one"),
    ({"repositories": ["o/a"], "pattern_types": {"docker": {"file_patterns": [7]}}},
     "at pattern_types.docker.file_patterns[0]: expected a glob pattern but got 7"),
    ({"repositories": ["o/a"], "pattern_types": {"mine": {"similarity_threshold": 0.5}}},
     'at pattern_types.mine: missing required key "file_patterns" (a new pattern type needs them)'),
    ({"repositories": ["o/a"], "pattern_types": {"my type": {"file_patterns": ["*"]}}},
     "at pattern_types[\"my type\"]: expected a pattern type name (letters, digits, _ or -) but got 'my type'"),
    ({"repositories": ["o/a"], "pattern_types": ["docker"]}, "at pattern_types: expected an object but got a list"),
    ({"repositories": ["o/a"], "exclude": "docs/"}, "at exclude: expected a list but got 'docs/'"),
    ({"repositories": ["o/a"], "exclude": ["x[z-a]"]},
     "at exclude[0]: expected a glob pattern but got 'x[z-a]' (invalid glob 'x[z-a]': bad character range z-a)"),
    ({"repositories": ["o/a"], "min_repos": 1}, "at min_repos: expected an integer of at least 2 but got 1"),
    ({"repositories": ["o/a"], "min_repos": 2.5}, "at min_repos: expected an integer but got 2.5"),
    ({"repositories": ["o/a"], "max_file_bytes": -5}, "at max_file_bytes: expected an integer of at least 1 but got -5"),
    ({"repositories": ["o/a"], "min_fragment_lines": 0}, "at min_fragment_lines: expected an integer of at least 1 but got 0"),
    ({"repositories": ["o/a"], "min_fragment_tokens": None}, "at min_fragment_tokens: expected an integer but got null"),
]


@pytest.mark.parametrize(("doc", "message"), BAD)
def test_bad_config_breadcrumbs(tmp_path: Path, doc: Any, message: str) -> None:
    assert _error(tmp_path, doc) == message


def test_custom_type_is_a_known_scan_pattern(tmp_path: Path) -> None:
    doc = {"repositories": [{"repo": "o/a", "scan_patterns": ["mine"]}],
           "pattern_types": {"mine": {"file_patterns": ["*.mk"], "similarity_threshold": 0.6}}}
    assert load_config(_write(tmp_path, doc)).repositories[0].scan_patterns == ("mine",)
    doc["repositories"][0]["scan_patterns"] = ["mne"]  # type: ignore[index]
    assert _error(tmp_path, doc) == f"at repositories[0].scan_patterns[0]: expected one of mine, {KNOWN} but got 'mne'"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.json: no such file$"):
        load_config(tmp_path / "nope.json")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(tmp_path)


def test_not_json_names_line_and_column(tmp_path: Path) -> None:
    text = '{\n  "repositories": [\n    "o/a"\n    "o/b"\n  ]\n}\n'
    assert _error(tmp_path, text) == "not valid JSON: Expecting ',' delimiter at line 4, column 5"


def test_too_deep_or_too_long_for_json_is_one_line(tmp_path: Path) -> None:
    assert _error(tmp_path, '{"owners": ' + "[" * 5000 + "]" * 5000 + "}") == "not valid JSON: nested too deeply"
    assert _error(tmp_path, '{"x": ' + "{\"x\": " * 5000 + "1" + "}" * 5001) == "not valid JSON: nested too deeply"
    doc = '{"repositories": ["o/a"], "min_repos": -' + "1" * 5000 + "}"
    assert _error(tmp_path, doc) == "not valid JSON: a number of 5000 digits (at most 4300)"


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(b'{"repositories": ["o/\xff"]}')
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_config(path)


def test_unknown_keys_warn_and_are_ignored(tmp_path: Path) -> None:
    console, err = _console()
    path = _write(
        tmp_path,
        {"repositories": [{"repo": "o/a", "scan_pattern": ["docker"]}], "schedule": "weekly",
         "pattern_types": {"docker": {"treshold": 0.5}}},
    )
    config = load_config(path, console)
    assert config.repositories[0].scan_patterns == ()
    assert config.threshold("docker") == 0.75
    assert console.warnings == [
        f"{path}: at repositories[0].scan_pattern: unknown key (ignored)",
        f"{path}: at schedule: unknown key (ignored)",
        f"{path}: at pattern_types.docker.treshold: unknown key (ignored)",
    ]
    assert "warning: " in err.getvalue()


def test_unknown_keys_without_console_are_silent(tmp_path: Path) -> None:
    assert load_config(_write(tmp_path, {"repositories": ["o/a"], "extra": 1})).repositories[0].repo == "o/a"


def test_constructed_config_orders_code_last() -> None:
    types = dict(BUILTIN_TYPES)
    code = PatternType("code", "any", ("*.py",), 0.8, "low")
    mine = PatternType("mine", "mine", ("*.py",), 0.8, "low")
    config = Config(pattern_types={"code": code, "mine": mine})
    assert config.types_for("a.py") == ("mine", "code")
    assert types == BUILTIN_TYPES  # built-ins are not mutated
