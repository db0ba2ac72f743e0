"""CSS: properties, functions and tag selectors carry meaning; class and id names and values do not."""

from __future__ import annotations

from pattern_miner.languages import ATOM, DROP, KEEP, LanguageSpec

SPEC = LanguageSpec(
    name="css",
    grammar=("tree_sitter_css", "language"),
    extensions=(".css",),
    modes={
        "comment": DROP,
        "js_comment": DROP,
        "property_name": KEEP,
        "function_name": KEEP,
        "tag_name": KEEP,
        "feature_name": KEEP,
        "class_name": ATOM,
        "id_name": ATOM,
        "plain_value": ATOM,
        "string_value": ATOM,
        "color_value": ATOM,
        "integer_value": ATOM,
        "float_value": ATOM,
    },
    placeholders={"class_name": "$id", "id_name": "$id", "plain_value": "$val", "string_value": "$str",
                  "color_value": "$val", "integer_value": "$num", "float_value": "$num"},
    units={"rule_set": "rule", "media_statement": "rule", "keyframes_statement": "rule", "supports_statement": "rule"},
    name_fields={"rule_set": "selectors", "media_statement": "feature_query", "keyframes_statement": "keyframes_name",
                 "supports_statement": "feature_query"},
    key_marks=frozenset({":"}),
)
