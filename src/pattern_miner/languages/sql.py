"""SQL: keywords carry meaning (one token whatever their case); table, column and other names and literals
do not. Tables, views, functions and procedures are units."""

from __future__ import annotations

from pattern_miner.languages import ATOM, DROP, LanguageSpec

SPEC = LanguageSpec(
    name="sql",
    grammar=("tree_sitter_sql", "language"),
    extensions=(".sql", ".ddl", ".psql", ".pgsql"),
    modes={
        "comment": DROP,
        "marginalia": DROP,  # /* ... */
        "identifier": ATOM,
        "literal": ATOM,  # strings and numbers alike
        "parameter": ATOM,  # $1, ?
    },
    placeholders={"identifier": "$id", "literal": "$lit", "parameter": "$var"},
    units={"create_table": "table", "create_view": "view", "create_materialized_view": "view",
           "create_function": "function", "create_procedure": "function", "create_trigger": "function"},
    name_fields={kind: "object_reference" for kind in ("create_table", "create_view", "create_materialized_view",
                                                         "create_function", "create_procedure", "create_trigger")},
)
