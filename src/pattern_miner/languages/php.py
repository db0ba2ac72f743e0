"""PHP: names, variables and literals become placeholders; keywords and structure stay."""

from __future__ import annotations

from pattern_miner.languages import ATOM, CALLS, DROP, LanguageSpec

SPEC = LanguageSpec(
    name="php",
    grammar=("tree_sitter_php", "language_php"),  # PHP with the HTML around it
    extensions=(".php", ".phtml"),
    modes={
        "comment": DROP,
        "name": ATOM,
        "variable_name": ATOM,
        "string": ATOM,
        "encapsed_string": ATOM,
        "heredoc": ATOM,
        "nowdoc": ATOM,
        "integer": ATOM,
        "float": ATOM,
    },
    placeholders={"name": "$id", "variable_name": "$id", "string": "$str", "encapsed_string": "$str",
                  "heredoc": "$str", "nowdoc": "$str", "integer": "$num", "float": "$num"},
    units={
        "class_declaration": "class", "interface_declaration": "interface", "trait_declaration": "class",
        "enum_declaration": "enum", "method_declaration": "method", "function_definition": "function",
    },
    phrases=CALLS,
)
