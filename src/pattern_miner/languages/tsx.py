"""TSX: TypeScript with JSX."""

from __future__ import annotations

from pattern_miner.languages import CALLS, LanguageSpec
from pattern_miner.languages.javascript import JS_UNIT_VALUES
from pattern_miner.languages.typescript import TS_MODES, TS_PLACEHOLDERS, TS_UNITS

SPEC = LanguageSpec(
    name="tsx",
    grammar=("tree_sitter_typescript", "language_tsx"),
    extensions=(".tsx",),
    modes=TS_MODES,
    placeholders=TS_PLACEHOLDERS,
    units=TS_UNITS,
    unit_values=JS_UNIT_VALUES,
    phrases=CALLS,
)
