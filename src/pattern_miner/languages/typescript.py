"""TypeScript: JavaScript's rules plus type-level names."""

from __future__ import annotations

from pattern_miner.languages import ATOM, CALLS, LanguageSpec
from pattern_miner.languages.javascript import JS_MODES, JS_PLACEHOLDERS, JS_UNIT_VALUES, JS_UNITS

TS_MODES = {**JS_MODES, "predefined_type": ATOM}
TS_PLACEHOLDERS = {**JS_PLACEHOLDERS, "predefined_type": "$type"}
TS_UNITS = {**JS_UNITS, "interface_declaration": "interface", "abstract_class_declaration": "class"}

SPEC = LanguageSpec(
    name="typescript",
    grammar=("tree_sitter_typescript", "language_typescript"),
    extensions=(".ts", ".mts", ".cts"),
    modes=TS_MODES,
    placeholders=TS_PLACEHOLDERS,
    units=TS_UNITS,
    unit_values=JS_UNIT_VALUES,
    phrases=CALLS,
)
