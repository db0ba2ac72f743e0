"""Swift: names and literals become placeholders (interpolated strings are one value); keywords stay."""

from __future__ import annotations

from pattern_miner.languages import ATOM, CALLS, DROP, LanguageSpec

SPEC = LanguageSpec(
    name="swift",
    grammar=("tree_sitter_swift", "language"),
    extensions=(".swift",),
    modes={
        "comment": DROP,
        "multiline_comment": DROP,
        "simple_identifier": ATOM,
        "type_identifier": ATOM,
        "line_string_literal": ATOM,
        "multi_line_string_literal": ATOM,
        "raw_string_literal": ATOM,
        "regex_literal": ATOM,
        "integer_literal": ATOM,
        "real_literal": ATOM,
        "hex_literal": ATOM,
        "oct_literal": ATOM,
        "bin_literal": ATOM,
    },
    placeholders={
        "simple_identifier": "$id", "type_identifier": "$id", "line_string_literal": "$str",
        "multi_line_string_literal": "$str", "raw_string_literal": "$str", "regex_literal": "$str",
        "integer_literal": "$num", "real_literal": "$num", "hex_literal": "$num", "oct_literal": "$num",
        "bin_literal": "$num",
    },
    units={
        "class_declaration": "class",  # class, struct, enum, extension, actor
        "protocol_declaration": "interface",
        "function_declaration": "function",
        "init_declaration": "method",
    },
    phrases=CALLS,
)
