"""Copied configuration (YAML, JSON, other) → one template in a shared repository, values per repository."""

from __future__ import annotations

import re

from pattern_miner.advise import signals
from pattern_miner.advise.naming import package_name, path_stem
from pattern_miner.advise.recipes.base import Copies, Plan, listing
from pattern_miner.representative import representative_pair

MAX_VALUES = 6
_YAML_KEY = re.compile(r"^([A-Za-z_][\w.-]*):\s*(.*?)\s*$", re.M)
_YAML_LEAF = re.compile(r"^\s+([A-Za-z_][\w.-]*):\s*(\S.*?)\s*$", re.M)
_JSON_KEY = re.compile(r'^\s{0,4}"([^"]+)"\s*:\s*(.+?),?\s*$', re.M)


def _pairs(text: str, language: str) -> list[tuple[str, str]]:
    if language == "json":
        return _JSON_KEY.findall(text)
    return _YAML_KEY.findall(text) + _YAML_LEAF.findall(text)


def plan(c: Copies) -> Plan:
    lang = c.language if c.language in ("yaml", "json") else "text"
    per_copy = [_pairs(t, lang) for t in c.texts]
    top_keys = [[k for k, _ in pairs] for pairs in per_copy]
    stem = path_stem([o.path for o in c.pattern.occurrences])
    name = package_name(stem, "config", fallback="shared-config")
    components = [(f"`{key}`", f"Setting present in {len(where)} of the {c.n} copies.", where)
                  for key, where in signals.shared(top_keys, minimum=1.0)[:6]]
    top, _ = representative_pair(c.pattern.occurrences)
    values = [dict(pairs) for pairs in per_copy]
    rep = values[top] if values else {}
    differing = [k for k in rep if rep[k] and all(k in v for v in values) and len({v[k] for v in values}) > 1]
    paths = sorted({o.path for o in c.pattern.occurrences})
    target = paths[0] if paths else "config"
    if lang == "json":
        body = ",\n".join(f'  "{k}": {rep[k]}' for k in differing[:MAX_VALUES])
        usage = "{\n" + body + "\n}\n" if body else '{\n  "extends": "' + name + '"\n}\n'
    else:
        lines = [f"# {target}: generated from the {c.owner}/{name} template (v1)",
                 "# only the values that differ per repository are set here"]
        lines += [f"{k}: {rep[k]}" for k in differing[:MAX_VALUES]] or ["# (none: the copies are identical)"]
        usage = "\n".join(lines) + "\n"
    steps = [
        f"Create `{c.owner}/{name}` holding the shared {lang.upper() if lang != 'text' else ''} template"
        .replace("  ", " ") + f" for `{target}` and a small generator (or a schema) for the per-repository values.",
        "Move the values that differ between the copies"
        + (f" ({', '.join(f'`{k}`' for k in differing[:MAX_VALUES])})" if differing else "")
        + " into a short per-repository file.",
        f"Generate `{target}` in each repository ({listing(c)}) and add a CI check that fails when the "
        "generated file and the template drift apart.",
    ]
    risks = [
        "Tools read the generated file, not the template: regenerate on every template release and review the diff.",
        "Values that look shared may be deliberate per-repository choices; confirm before centralizing them.",
    ]
    return Plan(
        name=name,
        what=f"the {lang.upper() if lang != 'text' else ''} configuration `{target}`".replace("the  ", "the "),
        how=f"One template in `{name}` with per-repository values keeps the copies from drifting.",
        usage=usage, usage_language=lang,
        unit_of_use="a short values file",
        components=components, steps=steps, risks=risks,
    )
