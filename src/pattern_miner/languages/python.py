"""Python: names and literals become placeholders; keywords, operators and structure stay."""

from __future__ import annotations

from pattern_miner.languages import ATOM, CALLS, DROP, LanguageSpec

SPEC = LanguageSpec(
    name="python",
    grammar=("tree_sitter_python", "language"),
    extensions=(".py", ".pyi"),
    modes={
        "comment": DROP,
        "identifier": ATOM,  # renamed copies still match
        "string": ATOM,  # a whole string, f-string parts included, is one value
        "concatenated_string": ATOM,
        "integer": ATOM,
        "float": ATOM,
    },
    placeholders={"identifier": "$id", "string": "$str", "concatenated_string": "$str",
                  "integer": "$num", "float": "$num"},
    units={"function_definition": "function", "class_definition": "class"},
    max_indent=200,  # the scanner crashes past ~500 nesting levels with a string open
    phrases=CALLS,
)
