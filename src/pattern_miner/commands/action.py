"""`pattern-miner action`: the Docker Action's entrypoint.

Reads the inputs the way the runner passes them (``settings.from_action``), masks the secrets, runs the
job, and writes the outputs ($GITHUB_OUTPUT) and the job summary ($GITHUB_STEP_SUMMARY). A run that can
do nothing (no repository read, nowhere to publish, a bad input) is one ``::error::`` and exit 1.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from pathlib import Path

from pattern_miner import actions
from pattern_miner.actions import input_key
from pattern_miner.console import Console
from pattern_miner.errors import PatternMinerError
from pattern_miner.pipeline import RunResult
from pattern_miner.pipeline import run as run_pipeline
from pattern_miner.settings import OPTIONS
from pattern_miner.settings import from_action as settings_from_action
from pattern_miner.wiring import connect

# every output action.yml declares; tests check the two agree
OUTPUTS = (
    "repositories-scanned", "patterns-found", "extraction-opportunities", "opportunities-ignored",
    "dashboard-issue", "issues-created", "issues-updated", "would-create", "would-update", "would-close",
    "report-path",
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


def outputs(result: RunResult, env: Mapping[str, str]) -> dict[str, object]:
    report, issues = result.report, result.issues
    return {
        "repositories-scanned": len(report.repositories),
        "patterns-found": len(report.patterns),
        "extraction-opportunities": len(result.opportunities),
        "opportunities-ignored": len(result.ignored),
        "dashboard-issue": result.dashboard_number or "",
        # a dry run writes nothing (done() is 0): the would-be issues are in the summary
        "issues-created": issues.done("created"),
        "issues-updated": issues.done("updated") + issues.done("reopened"),
        # what the run writes (a real run) or would write (a dry run): a workflow can read it either way
        "would-create": issues.planned("created"),
        "would-update": issues.planned("updated") + issues.planned("reopened"),
        "would-close": issues.planned("closed"),
        "report-path": _for_host(str(result.report_path), env),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments: the runner passes everything as environment variables."""


def run(args: argparse.Namespace, console: Console, env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    ac = actions.ActionsConsole(out=console.out)
    given = [env.get(input_key(o.input), "") for o in OPTIONS if o.secret and o.input] + [env.get("GITHUB_TOKEN", "")]
    for value in given:  # masked before anything else is printed
        if value.strip():
            actions.add_mask(value.strip(), out=ac.out)
    try:
        settings = settings_from_action(env)
        clients = connect(settings, ac)
        try:
            result = run_pipeline(settings, clients, ac)  # each stage a collapsible group of the log
        finally:
            clients.close()
    except PatternMinerError as exc:
        ac.error(str(exc))
        actions.append_summary(ac.scrub(f"## 🔍 Pattern Miner\n\n❌ {exc}\n"), env=env)
        return 1
    values = outputs(result, env)
    for name in OUTPUTS:
        actions.set_output(name, values[name], env=env)
    actions.append_summary(ac.scrub(result.summary(clients.templates)), env=env)
    counts = result.issues.counts
    ac.info(
        f"{values['repositories-scanned']} repositories, {values['patterns-found']} patterns, "
        f"{values['extraction-opportunities']} opportunities; issues: "
        + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none")
        + (" (dry run)" if settings.dry_run else "")
    )
    return 1 if result.issues.errors else 0
