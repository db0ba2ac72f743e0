"""Rust: names and literals become placeholders; keywords, primitive types and structure stay."""

from __future__ import annotations

from pattern_miner.languages import ATOM, CALLS, DROP, Kind, LanguageSpec

SPEC = LanguageSpec(
    name="rust",
    grammar=("tree_sitter_rust", "language"),
    extensions=(".rs",),
    modes={
        "line_comment": DROP,  # doc comments too
        "block_comment": DROP,
        "identifier": ATOM,
        "type_identifier": ATOM,
        "field_identifier": ATOM,
        "shorthand_field_identifier": ATOM,
        "metavariable": ATOM,
        "string_literal": ATOM,
        "raw_string_literal": ATOM,
        "char_literal": ATOM,
        "integer_literal": ATOM,
        "float_literal": ATOM,
    },
    placeholders={
        "identifier": "$id", "type_identifier": "$id", "field_identifier": "$id",
        "shorthand_field_identifier": "$id", "metavariable": "$id", "string_literal": "$str",
        "raw_string_literal": "$str", "char_literal": "$str", "integer_literal": "$num", "float_literal": "$num",
    },
    units={
        "function_item": "function", "struct_item": "type", "enum_item": "type", "union_item": "type",
        "trait_item": "interface", "impl_item": "class", "macro_definition": "function",
    },
    name_fields={"impl_item": "type"},  # `impl Config`: named by its type
    phrases=CALLS,
    kinds=(Kind("api_client", "http client", marks=(r"\breqwest::", r"\bhyper::Client\b")),),
)
