"""Copied shell scripts → a bash library sourced from a shared repository (or a reusable workflow)."""

from __future__ import annotations

import re
from collections import Counter

from pattern_miner.advise import signals
from pattern_miner.advise.knowledge import COMMANDS, lookup
from pattern_miner.advise.naming import is_generic, package_name, path_stem, snake, words
from pattern_miner.advise.recipes.base import Copies, Plan, listing
from pattern_miner.representative import representative_pair

MAX_ARGS = 5
_SECRET = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY|CREDENTIAL")


def command_components(per_copy: list[list[str]]) -> list[tuple[str, str, list[int]]]:
    """Components from the CLI invocations at least half the copies make, merged by known family."""
    merged: dict[str, tuple[str, set[int]]] = {}
    for command, where in signals.shared(per_copy, minimum=0.5):
        entry = lookup(COMMANDS, command)
        name, desc = (entry[2], entry[3]) if entry else (
            f"`{command}` step", f"Runs `{command}` with the options the copies share.")
        merged.setdefault(name, (desc, set()))[1].update(where)
    return [(name, desc, sorted(idx)) for name, (desc, idx) in merged.items()]


def library_name(c: Copies, per_copy: list[list[str]]) -> str:
    common = {cmd for cmd, _ in signals.shared(per_copy, minimum=0.5)}
    common |= {f for f in c.pattern.features if f.split(" ", 1)[0] in signals.CLI_DEPTH}
    for prefix, name, _, _ in COMMANDS:
        if name and any(cmd == prefix or cmd.startswith(prefix + " ") for cmd in common):
            return name
    functions = [f for f, _ in signals.shared([signals.shell_functions(t) for t in c.texts], minimum=0.5)]
    named = [f for f in functions if not is_generic(f)]
    if named:
        return package_name(named[0])
    if c.pattern.kind != "file" and not is_generic(c.pattern.occurrences[0].name):
        return package_name(c.pattern.occurrences[0].name)
    return package_name(path_stem([o.path for o in c.pattern.occurrences]), fallback="shared-scripts")


def plan(c: Copies) -> Plan:
    per_copy = [signals.commands(t) for t in c.texts]
    name = library_name(c, per_copy)
    fn = snake(name)
    variables = Counter(v for t in c.texts for v in dict.fromkeys(signals.shell_variables(t)))
    computed = {v for t in c.texts for v in re.findall(r"^\s*(?:local\s+|export\s+)?([A-Z][A-Z0-9_]*)=\"?\$\(", t, re.M)}
    args = [v for v, count in variables.most_common() if count >= max(2, (c.n + 1) // 2)
            and v not in computed and not _SECRET.search(v)][:MAX_ARGS]
    call = fn + "".join(f' \\\n  --{"-".join(words(v))} "${v}"' for v in args)
    usage = (
        "#!/usr/bin/env bash\n"
        "set -euo pipefail\n"
        f"# {name}: one copy in github.com/{c.owner}/{name}, pinned to a tag (git submodule or fetched in CI)\n"
        f'source "$(dirname "$0")/vendor/{name}/{name}.sh"\n'
        "\n"
        f"{call}\n"
    )
    components = command_components(per_copy)
    for func, where in signals.shared([signals.shell_functions(t) for t in c.texts], minimum=0.5):
        components.append((f"`{func}()`", f"Shell function defined in {len(where)} of the {c.n} copies.", where))

    top, _ = representative_pair(c.pattern.occurrences)
    rep = c.pattern.occurrences[top] if c.pattern.occurrences else None
    deploys = any(cmd.split()[-1] in ("deploy", "apply", "upgrade", "submit") or "deploy" in cmd
                  for cmds in per_copy for cmd in cmds) or c.pattern.pattern_type == "deployment"
    main_cmd = next((e[0] for e in COMMANDS if e[1] == name), "")
    what = f"a shell script that runs `{main_cmd}`" if main_cmd else f"a shell script ({c.pattern.kind})"
    steps = [
        f"Create `{c.owner}/{name}` with `{name}.sh` defining `{fn}`, starting from the most representative copy"
        + (f" (`{rep.repo}`: `{rep.path}`)" if rep else "") + ".",
        "Turn what differs between the copies into flags with defaults"
        + (f" ({', '.join(f'`--{chr(45).join(words(v))}`' for v in args)})" if args else "")
        + "; add a `--dry-run` flag that prints the commands instead of running them.",
        "Test it (for example with bats, running in dry-run mode) and tag `v1.0.0`.",
        f"In each copy ({listing(c)}), replace the copied body with "
        f"the `source` line and one `{fn}` call; keep only repository-specific values.",
    ]
    if deploys:
        steps.append(f"For deployments from CI, also offer a reusable workflow "
                     f"(`{c.owner}/shared-workflows/.github/workflows/{name}.yml@v1`) that runs `{fn}`.")
    steps.append("Delete the old copies and point new repositories at the library.")
    risks = ["A change to the shared script reaches every repository at its next run: pin a tag and release "
             "with a changelog."]
    if any("secret" in name.lower() for name, _, _ in components):
        risks.append("Secrets stay out of the library: pass secret names, never values, and keep `set -x` off.")
    if deploys:
        risks.append("Deploy flags that differ per service (region, memory, concurrency) must stay parameters, or "
                     "the library will silently change a service's configuration.")
    return Plan(
        name=name, what=what,
        how=f"Moving the shared steps into `{name}` leaves each repository with one `source` line and one call.",
        usage=usage, usage_language="bash", unit_of_use="one `source` line and one call",
        components=components, steps=steps, risks=risks,
    )
