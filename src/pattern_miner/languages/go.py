"""Go: names and literals become placeholders."""

from __future__ import annotations

from pattern_miner.languages import ATOM, CALLS, DROP, LanguageSpec

SPEC = LanguageSpec(
    name="go",
    grammar=("tree_sitter_go", "language"),
    extensions=(".go",),
    modes={
        "comment": DROP,
        "identifier": ATOM,
        "field_identifier": ATOM,
        "type_identifier": ATOM,
        "package_identifier": ATOM,
        "label_name": ATOM,
        "interpreted_string_literal": ATOM,
        "raw_string_literal": ATOM,
        "rune_literal": ATOM,
        "int_literal": ATOM,
        "float_literal": ATOM,
        "imaginary_literal": ATOM,
    },
    placeholders={
        "identifier": "$id", "field_identifier": "$id", "type_identifier": "$id", "package_identifier": "$id",
        "label_name": "$id", "interpreted_string_literal": "$str", "raw_string_literal": "$str",
        "rune_literal": "$str", "int_literal": "$num", "float_literal": "$num", "imaginary_literal": "$num",
    },
    units={"function_declaration": "function", "method_declaration": "method", "type_declaration": "type"},
    phrases=CALLS,
)
