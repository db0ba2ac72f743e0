"""C: names and literals become placeholders; keywords, primitive types and preprocessor structure stay."""

from __future__ import annotations

from pattern_miner.languages import ATOM, CALLS, DROP, LanguageSpec

# Shared with C++: the grammars agree on these kinds.
C_MODES = {
    "comment": DROP,
    "identifier": ATOM,
    "field_identifier": ATOM,
    "type_identifier": ATOM,
    "statement_identifier": ATOM,
    "string_literal": ATOM,
    "concatenated_string": ATOM,
    "char_literal": ATOM,
    "system_lib_string": ATOM,
    "number_literal": ATOM,
    "preproc_arg": ATOM,  # the body of a #define
}
C_PLACEHOLDERS = {
    "identifier": "$id", "field_identifier": "$id", "type_identifier": "$id", "statement_identifier": "$id",
    "string_literal": "$str", "concatenated_string": "$str", "char_literal": "$str", "system_lib_string": "$str",
    "number_literal": "$num", "preproc_arg": "$str",
}
C_UNITS = {"function_definition": "function", "struct_specifier": "type", "enum_specifier": "type",
           "union_specifier": "type"}
C_NAMES = {"function_definition": "declarator"}  # `int *f(void)`: the name sits in nested declarators

SPEC = LanguageSpec(
    name="c",
    grammar=("tree_sitter_c", "language"),
    extensions=(".c", ".h"),
    modes=C_MODES,
    placeholders=C_PLACEHOLDERS,
    units=C_UNITS,
    name_fields=C_NAMES,
    phrases=CALLS,
)
