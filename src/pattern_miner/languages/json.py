"""JSON: keys carry meaning, values do not. Compared as whole files only."""

from __future__ import annotations

from pattern_miner.languages import ATOM, KEEP, LanguageSpec

SPEC = LanguageSpec(
    name="json",
    grammar=("tree_sitter_json", "language"),
    extensions=(".json",),
    modes={"comment": "drop", "string": ATOM, "number": ATOM},
    placeholders={"string": "$str", "number": "$num"},
    field_modes={("pair", "key"): KEEP},
    key_marks=frozenset({":", "="}),
)
