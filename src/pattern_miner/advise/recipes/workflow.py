"""Copied GitHub Actions jobs/workflows → a reusable workflow; copied steps → a composite action."""

from __future__ import annotations

import re

from pattern_miner.advise import signals
from pattern_miner.advise.knowledge import ACTIONS, COMMANDS, lookup
from pattern_miner.advise.naming import is_generic, package_name, path_stem, words
from pattern_miner.advise.recipes.base import Copies, Plan, listing
from pattern_miner.representative import representative_pair

MAX_INPUTS = 6


def _base_name(c: Copies, actions: list[str], commands: list[str]) -> str:
    for prefix, name, _, _ in ACTIONS:
        if name and any(a == prefix or a.startswith(prefix + "/") for a in actions):
            return name
    for prefix, name, _, _ in COMMANDS:
        if name and any(cmd == prefix or cmd.startswith(prefix + " ") for cmd in commands):
            return name
    unit = signals.most_common(o.name for o in c.pattern.occurrences)
    if unit and not is_generic(unit):
        return package_name(unit)
    return package_name(path_stem([o.path for o in c.pattern.occurrences]), fallback="shared-ci")


def _inputs(c: Copies, rep_text: str) -> list[tuple[str, str]]:
    """(input name, value expression) for the values the copies take from vars, inputs and env."""
    out: dict[str, str] = {}
    for scope in ("inputs", "vars"):
        for name in signals.expressions(rep_text, scope):
            out.setdefault("-".join(words(name)), f"${{{{ {scope}.{name} }}}}")
    for key, value in re.findall(r"^\s+([A-Z][A-Z0-9_]{2,}):\s*(\S.*?)\s*$", rep_text, re.M):
        if "secrets." not in value:
            out.setdefault("-".join(words(key)), value)
    return list(out.items())[:MAX_INPUTS]


def plan(c: Copies) -> Plan:
    per_copy_actions = [signals.actions(t) for t in c.texts]
    per_copy_commands = [signals.commands(t) for t in c.texts]
    actions = [a for a, _ in signals.shared(per_copy_actions, minimum=0.5)]
    commands = [cmd for cmd, _ in signals.shared(per_copy_commands, minimum=0.5)]
    actions += [f.removeprefix("uses:").strip().split("@")[0] for f in c.pattern.features if "/" in f]
    step_kind = c.pattern.kind == "step"
    base = _base_name(c, actions, commands)
    suffix = "action" if step_kind else "workflow"
    name = base if base.endswith(suffix) else package_name(base, suffix)
    top, _ = representative_pair(c.pattern.occurrences)
    rep_text = c.texts[top] if c.texts else ""
    inputs = _inputs(c, rep_text)
    secrets = sorted({s for t in c.texts for s in signals.expressions(t, "secrets") if s != "GITHUB_TOKEN"})
    with_block = "".join(f"\n      {k}: {v}" for k, v in inputs)

    components: dict[str, tuple[str, list[int]]] = {}
    for action, where in signals.shared(per_copy_actions, minimum=0.5):
        entry = lookup(ACTIONS, action)
        key, desc = (entry[2], entry[3]) if entry else (f"`{action}` step", f"Runs `{action}` as the copies do.")
        components.setdefault(key, (desc, where))
    for command, where in signals.shared(per_copy_commands, minimum=0.5):
        entry = lookup(COMMANDS, command)
        key, desc = (entry[2], entry[3]) if entry else (f"`{command}` step", f"Runs `{command}` in a `run:` step.")
        components.setdefault(key, (desc, where))
    if len(components) < 2:
        for step, where in signals.shared([signals.step_names(t) for t in c.texts], minimum=0.5)[:4]:
            components.setdefault(f"Step: {step[:60]}", ("A step every copy runs under this name.", where))

    workflow_file = f"{base.removesuffix('-workflow')}.yml"
    if step_kind:
        ref = f"{c.owner}/shared-actions/{base.removesuffix('-action')}@v1"
        usage = f"steps:\n  - uses: actions/checkout@v4\n  - uses: {ref}" + (
            "\n    with:" + with_block if inputs else "")
        steps = [
            f"Create a composite action `{base.removesuffix('-action')}/action.yml` in `{c.owner}/shared-actions` "
            "(`runs: using: composite`) from the shared steps, with an input for each value that differs.",
            f"Tag it `v1` and replace the copied steps in each workflow ({listing(c)}) "
            f"with `uses: {ref}`.",
            "Composite actions cannot read secrets directly: pass the ones they need as inputs.",
        ]
        unit = "one `uses:` step"
    else:
        jobs = signals.workflow_jobs(rep_text)
        job = signals.most_common(o.name for o in c.pattern.occurrences if o.unit == "job") or (
            jobs[0] if jobs else "call")
        ref = f"{c.owner}/shared-workflows/.github/workflows/{workflow_file}@v1"
        usage = f"jobs:\n  {job}:\n    uses: {ref}" + ("\n    with:" + with_block if inputs else "")
        usage += "\n    secrets: inherit" if secrets else ""
        steps = [
            f"Create `{c.owner}/shared-workflows` with `.github/workflows/{workflow_file}` triggered by "
            "`on: workflow_call`, starting from the most representative copy"
            + (f" (`{c.pattern.occurrences[top].repo}`: `{c.pattern.occurrences[top].path}`)" if c.n else "") + ".",
            "Declare an input for each value that differs between the copies"
            + (f" ({', '.join(f'`{k}`' for k, _ in inputs)})" if inputs else "")
            + (f" and the secrets it needs ({', '.join(f'`{s}`' for s in secrets)})" if secrets else "") + ".",
            "If the shared repository is private, allow access to it from the other repositories "
            "(Settings → Actions → General → Access).",
            f"Tag `v1` and replace the job in each workflow ({listing(c)}) "
            f"with `uses: {ref}`.",
        ]
        unit = "one job that calls the reusable workflow"
    steps.append("Let Dependabot keep the `@v1` references current, and delete the old copies.")
    risks = [
        "A called workflow runs with the caller's permissions: each caller must grant what it needs "
        "(for example `id-token: write` for OIDC).",
        "Pinning `@v1` picks up fixes automatically but also mistakes: release with care, or pin a commit SHA.",
    ]
    if secrets:
        risks.append("`secrets: inherit` passes every secret of the caller; list the needed ones explicitly "
                     "if the shared workflow is not fully trusted.")
    salient = [a for a in actions if (entry := lookup(ACTIONS, a)) and entry[1]]
    salient += [a for a in actions if a not in salient and not a.startswith("actions/")]
    what_detail = f" (uses `{salient[0]}`)" if salient else ""
    return Plan(
        name=name,
        what=f"a GitHub Actions {c.pattern.kind}{what_detail}",
        how=(f"A composite action `{base.removesuffix('-action')}` replaces the copied steps." if step_kind else
             f"A reusable workflow `{workflow_file}` replaces the copied job with one `uses:` line."),
        usage=usage + "\n", usage_language="yaml", unit_of_use=unit,
        components=[(n, d, w) for n, (d, w) in components.items()], steps=steps, risks=risks,
    )
