"""Copied Terraform → a versioned module called with ``source = ...``."""

from __future__ import annotations

import re
from collections import Counter

from pattern_miner.advise import signals
from pattern_miner.advise.naming import package_name, path_stem, snake
from pattern_miner.advise.recipes.base import Copies, Plan, listing
from pattern_miner.representative import representative_pair

MAX_INPUTS = 6
_API_VERSION = re.compile(r"v\d+(?:beta\d*|alpha\d*)?|beta|alpha")
_META_ARGS = {"count", "for_each", "depends_on", "provider", "lifecycle", "source", "version"}


def plan(c: Copies) -> Plan:
    per_copy = [signals.terraform_blocks(t) for t in c.texts]
    per_copy_keys = [[f"{kind} {a}" + (f" {b}" if b else "") for kind, a, b in blocks] for blocks in per_copy]
    # the module is named after its main resource: the type of its largest block (a Cloud Run service, not the
    # service account and IAM bindings around it, however many), else the most common type
    sizes: Counter[str] = Counter()
    for text in c.texts:
        for kind, lines in signals.terraform_resource_lines(text).items():
            sizes[kind] = max(sizes[kind], lines)
    resource_types = [a for blocks in per_copy for kind, a, _ in blocks if kind == "resource"]
    resource_types += [f for f in c.pattern.features if "_" in f and " " not in f and f.islower()]
    main = max(sizes, key=lambda t: (sizes[t], -resource_types.index(t) if t in resource_types else 0),
               default=None) if sizes else signals.most_common(resource_types)
    if main:
        provider, _, rest = main.partition("_")
        rest = "_".join(w for w in rest.split("_") if not _API_VERSION.fullmatch(w))  # cloud_run_v2_service
        name = package_name("terraform", provider, rest or main)
        local = snake(rest or main)
    else:
        stem = path_stem([o.path for o in c.pattern.occurrences])
        name = package_name("terraform", stem, "module", fallback="terraform-shared-module")
        local = snake(stem)

    components: list[tuple[str, str, list[int]]] = []
    variables: list[str] = []
    outputs: list[str] = []
    for key, where in signals.shared(per_copy_keys, minimum=0.5):
        kind, _, labels = key.partition(" ")
        first = labels.split(" ")[0]
        if kind == "variable":
            variables.append(first)
        elif kind == "output":
            outputs.append(first)
        elif kind in ("resource", "data", "module"):
            label = " ".join(f'"{part}"' for part in labels.split(" "))
            components.append((f"`{kind} {label}`",
                               f"The {first} {kind} with the arguments the copies share.", where))
    if variables:
        components.append(("Input variables", "Variables every copy declares: "
                           + ", ".join(f"`{v}`" for v in variables[:8]) + ".", list(range(c.n))))
    if outputs:
        components.append(("Outputs", "Outputs every copy exposes: "
                           + ", ".join(f"`{o}`" for o in outputs[:8]) + ".", list(range(c.n))))

    # module inputs: arguments every copy sets, whose values differ between copies
    attrs = [signals.terraform_attributes(t) for t in c.texts]
    top, _ = representative_pair(c.pattern.occurrences)
    rep = attrs[top] if attrs else {}
    common = [k for k in rep if k not in _META_ARGS and all(k in a for a in attrs)]
    differing = [k for k in common if len({a[k] for a in attrs}) > 1] or common
    inputs = [(k, rep[k]) for k in differing[:MAX_INPUTS]]
    source = f"github.com/{c.owner}/{name}?ref=v1.0.0"
    width = max((len(k) for k, _ in inputs), default=0)
    body = "".join(f"\n  {k.ljust(width)} = {v}" for k, v in inputs)
    usage = f'module "{local}" {{\n  source = "{source}"\n' + (f"{body}\n" if body else "") + "}\n"
    steps = [
        f"Create `{c.owner}/{name}` (the `terraform-<provider>-<name>` layout the registry expects) with "
        "`main.tf`, `variables.tf` and `outputs.tf` from the blocks all copies share.",
        "Make each argument that differs between the copies a variable"
        + (f" ({', '.join(f'`{k}`' for k, _ in inputs)})" if inputs else "") + "; keep the shared values as defaults.",
        "Tag `v1.0.0` (or publish it to a private registry) and pin consumers with `?ref=`.",
        f"In each copy ({listing(c)}), replace the blocks with the `module \"{local}\"` call and add "
        "`moved` blocks so the state addresses move instead of being destroyed and recreated.",
        "Run `terraform plan` in each repository and confirm it shows no resource to destroy.",
    ]
    risks = [
        "Moving resources into a module changes their addresses: without `moved` blocks (or "
        "`terraform state mv`) Terraform plans to destroy and recreate them.",
        "Provider version constraints must be compatible with every consumer's lock file.",
        "A module release changes every consumer's plan: version it and upgrade repositories one at a time.",
    ]
    return Plan(
        name=name,
        what=f"Terraform defining `{main}`" if main else f"a Terraform {c.pattern.kind}",
        how=f"One versioned module, `{name}`, replaces the copied blocks with a single `module` call.",
        usage=usage, usage_language="hcl", unit_of_use="one `module` block",
        components=components, steps=steps, risks=risks,
    )
