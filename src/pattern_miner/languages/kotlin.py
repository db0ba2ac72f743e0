"""Kotlin: names and literals become placeholders (string templates are one value); keywords stay."""

from __future__ import annotations

from pattern_miner.languages import ATOM, CALLS, DROP, Kind, LanguageSpec
from pattern_miner.languages.java import JVM_KINDS

SPEC = LanguageSpec(
    name="kotlin",
    grammar=("tree_sitter_kotlin", "language"),
    extensions=(".kt", ".kts"),
    modes={
        "line_comment": DROP,
        "block_comment": DROP,
        "identifier": ATOM,
        "string_literal": ATOM,
        "multiline_string_literal": ATOM,
        "character_literal": ATOM,
        "number_literal": ATOM,
        "float_literal": ATOM,
    },
    placeholders={"identifier": "$id", "string_literal": "$str", "multiline_string_literal": "$str",
                  "character_literal": "$str", "number_literal": "$num", "float_literal": "$num"},
    units={"class_declaration": "class", "object_declaration": "class", "function_declaration": "function"},
    phrases=CALLS,
    kinds=(*JVM_KINDS, Kind("configuration", "build", files=("build.gradle.kts", "settings.gradle.kts"))),
)
