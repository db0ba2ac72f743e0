"""JavaScript (and JSX): names and literals become placeholders."""

from __future__ import annotations

from pattern_miner.languages import ATOM, CALLS, DROP, LanguageSpec

# Shared with TypeScript: the grammars agree on these kinds.
JS_MODES = {
    "comment": DROP,
    "hash_bang_line": DROP,
    "identifier": ATOM,
    "property_identifier": ATOM,
    "shorthand_property_identifier": ATOM,
    "shorthand_property_identifier_pattern": ATOM,
    "private_property_identifier": ATOM,
    "statement_identifier": ATOM,
    "type_identifier": ATOM,
    "string": ATOM,
    "template_string": ATOM,
    "regex": ATOM,
    "number": ATOM,
}
JS_PLACEHOLDERS = {
    "identifier": "$id", "property_identifier": "$id", "shorthand_property_identifier": "$id",
    "shorthand_property_identifier_pattern": "$id", "private_property_identifier": "$id",
    "statement_identifier": "$id", "type_identifier": "$id",
    "string": "$str", "template_string": "$str", "regex": "$str", "number": "$num",
}
JS_UNITS = {
    "function_declaration": "function",
    "generator_function_declaration": "function",
    "method_definition": "method",
    "class_declaration": "class",
    # `const f = (…) => {…}` / `const f = function (…) {…}`: the declarator is the unit
    "variable_declarator": "function",
}

# A declarator is a unit only when it binds a function: `const f = () => {…}`, `= function () {…}`.
JS_UNIT_VALUES = {"variable_declarator": frozenset({"arrow_function", "function_expression", "function"})}

SPEC = LanguageSpec(
    name="javascript",
    grammar=("tree_sitter_javascript", "language"),
    extensions=(".js", ".mjs", ".cjs", ".jsx"),
    modes=JS_MODES,
    placeholders=JS_PLACEHOLDERS,
    units=JS_UNITS,
    unit_values=JS_UNIT_VALUES,
    phrases=CALLS,
)
