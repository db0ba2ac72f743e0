"""Scala: names and literals become placeholders (interpolated strings are one value); keywords stay."""

from __future__ import annotations

from pattern_miner.languages import ATOM, CALLS, DROP, KEEP, LanguageSpec
from pattern_miner.languages.java import JVM_KINDS

SPEC = LanguageSpec(
    name="scala",
    grammar=("tree_sitter_scala", "language"),
    extensions=(".scala", ".sc"),
    modes={
        "comment": DROP,
        "block_comment": DROP,
        "identifier": ATOM,
        "type_identifier": ATOM,
        "operator_identifier": KEEP,  # `*`, `++`, `->`: operators, not names
        "string": ATOM,
        "interpolated_string_expression": ATOM,
        "character_literal": ATOM,
        "integer_literal": ATOM,
        "floating_point_literal": ATOM,
    },
    placeholders={"identifier": "$id", "type_identifier": "$id", "string": "$str",
                  "interpolated_string_expression": "$str", "character_literal": "$str",
                  "integer_literal": "$num", "floating_point_literal": "$num"},
    units={
        "class_definition": "class", "object_definition": "class", "trait_definition": "interface",
        "enum_definition": "enum", "function_definition": "function",
    },
    phrases=CALLS,
    kinds=JVM_KINDS,
)
