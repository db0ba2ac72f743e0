"""The Docker Action entrypoint: ``pattern-miner action`` (the installed console script the image runs).

Reads the inputs the way the runner passes them (``INPUT_<NAME>``, hyphens kept), masks the secrets,
runs the mining job, and writes the outputs ($GITHUB_OUTPUT) and the job summary ($GITHUB_STEP_SUMMARY).
Relative paths (config, cache-dir, template-dir) are relative to $GITHUB_WORKSPACE.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pattern_miner import actions
from pattern_miner.console import Console
from pattern_miner.errors import PatternMinerError, UsageError
from pattern_miner.mine import DEFAULT_LABELS, DEFAULT_REPORT, MiningSettings, run_mining, summary_markdown
from pattern_miner.publish.privacy import check_mode
from pattern_miner.publish.tracker import DEFAULT_API_URL
from pattern_miner.render import Templates

# every input action.yml declares; tests check the two agree
INPUTS = (
    "github-token", "config", "anthropic-api-key", "model", "dry-run", "issue-repo", "issue-target", "labels",
    "max-issues", "pattern-type", "repos", "min-similarity", "dev-nexus-url", "dev-nexus-token", "cache-dir",
    "private-patterns", "template-dir", "max-model-calls",
)
OUTPUTS = (
    "repositories-scanned", "patterns-found", "extraction-opportunities", "issues-created", "issues-updated",
    "would-create", "would-update", "would-close", "report-path",
)
DEFAULT_CONFIG = "config/repositories.json"
DEFAULT_CACHE = ".pattern-miner-cache"


def _path(value: str, workspace: Path) -> str:
    p = Path(value)
    return str(p if p.is_absolute() else workspace / p)


def settings_from_env(env: Mapping[str, str], out: Any = None) -> MiningSettings:
    """MiningSettings from the runner's environment; masks each secret before anything else is printed
    (in the log, by the runner; ``run_mining`` keeps them out of the summary and the report too)."""
    token = actions.get_input("github-token", env=env) or env.get("GITHUB_TOKEN", "")
    anthropic_key = actions.get_input("anthropic-api-key", env=env)
    dev_nexus_token = actions.get_input("dev-nexus-token", env=env)
    for secret in (token, anthropic_key, dev_nexus_token):
        if secret:
            actions.add_mask(secret, out=out)
    min_similarity = actions.get_float_input("min-similarity", env=env)
    if min_similarity is not None and not 0.0 <= min_similarity <= 1.0:
        raise UsageError(f"input min-similarity must be between 0 and 1, got {min_similarity:g}")
    max_issues = actions.get_int_input("max-issues", 10, env=env)
    max_model_calls = actions.get_int_input("max-model-calls", 50, env=env)
    for name, value in (("max-issues", max_issues), ("max-model-calls", max_model_calls)):
        if value < 0:
            raise UsageError(f"input {name} must be 0 or more, got {value}")
    workspace = Path(env.get("GITHUB_WORKSPACE") or os.getcwd())
    cache_dir = _path(actions.get_input("cache-dir", default=DEFAULT_CACHE, env=env), workspace)
    template_dir = actions.get_input("template-dir", env=env)
    return MiningSettings(
        config_path=_path(actions.get_input("config", default=DEFAULT_CONFIG, env=env), workspace),
        source="github",
        token=token or None,
        api_url=env.get("GITHUB_API_URL") or DEFAULT_API_URL,
        anthropic_api_key=anthropic_key or None,
        model=actions.get_input("model", env=env) or None,
        dry_run=actions.get_bool_input("dry-run", default=False, env=env),
        issue_repo=actions.get_input("issue-repo", env=env) or env.get("GITHUB_REPOSITORY") or None,
        issue_target=actions.get_input("issue-target", default="central", env=env),
        labels=actions.get_list_input("labels", env=env) or DEFAULT_LABELS,
        max_issues=max_issues,
        pattern_type=actions.get_input("pattern-type", env=env) or None,
        repos=actions.get_list_input("repos", env=env),
        min_similarity=min_similarity,
        dev_nexus_url=actions.get_input("dev-nexus-url", env=env) or None,
        dev_nexus_token=dev_nexus_token or None,
        cache_dir=cache_dir,
        report_path=str(Path(cache_dir) / DEFAULT_REPORT),
        max_model_calls=max_model_calls,
        private_patterns=check_mode(actions.get_input("private-patterns", default="redact", env=env)),
        template_dir=_path(template_dir, workspace) if template_dir else None,
        # a workflow run, its attempt, and the step (two steps of one job may both run the Action)
        run_id=".".join(filter(None, (env.get("GITHUB_RUN_ID"), env.get("GITHUB_RUN_ATTEMPT", "1"),
                                      env.get("GITHUB_ACTION")))) if env.get("GITHUB_RUN_ID") else None,
        summary_repo=env.get("GITHUB_REPOSITORY") or None,
    )


def _for_host(path: str, env: Mapping[str, str]) -> str:
    """A path later steps can use: relative to the workspace (mounted elsewhere in the container)."""
    workspace = env.get("GITHUB_WORKSPACE")
    if path and workspace:
        try:
            return str(Path(path).resolve().relative_to(Path(workspace).resolve()))
        except ValueError:
            pass
    return path


def add_arguments(parser: Any) -> None:
    """No arguments: the runner passes everything as environment variables."""


def run(args: Any, console: Console, env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    ac = actions.ActionsConsole(out=console.out)
    try:
        settings = settings_from_env(env, out=ac.out)
        with actions.group("Pattern Miner: scan, advise and publish", out=ac.out):
            result = run_mining(settings, ac)
    except PatternMinerError as exc:
        ac.error(str(exc))
        actions.append_summary(ac.scrub(f"## 🔍 Pattern Miner\n\n❌ {exc}\n"), env=env)
        return 1
    report = result.report
    values = {
        "repositories-scanned": len(report.repositories),
        "patterns-found": len(report.patterns),
        "extraction-opportunities": len(report.opportunities),
        # a dry run writes nothing (done() is 0): the would-be issues are in the summary
        "issues-created": result.issues.done("created") if result.issues else 0,
        "issues-updated": result.issues.done("updated") + result.issues.done("reopened") if result.issues else 0,
        # what the run writes (a real run) or would write (a dry run): a workflow can read it either way
        "would-create": result.issues.planned("created") if result.issues else 0,
        "would-update": result.issues.planned("updated") + result.issues.planned("reopened") if result.issues else 0,
        "would-close": result.issues.planned("closed") if result.issues else 0,
        "report-path": _for_host(result.report_path or "", env),
    }
    for name in OUTPUTS:
        actions.set_output(name, values[name], env=env)
    actions.append_summary(ac.scrub(summary_markdown(result, settings, Templates(settings.template_dir))), env=env)
    counts = result.issues.counts if result.issues else {}
    ac.info(
        f"{values['repositories-scanned']} repositories, {values['patterns-found']} patterns, "
        f"{values['extraction-opportunities']} opportunities; issues: "
        + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none")
        + (" (dry run)" if settings.dry_run else "")
    )
    return 1 if result.issues and result.issues.errors else 0
