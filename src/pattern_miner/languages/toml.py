"""TOML (Cargo, pyproject, tool configuration): keys and table names carry meaning; values do not."""

from __future__ import annotations

from pattern_miner.languages import ATOM, DROP, KEEP, Kind, LanguageSpec

SPEC = LanguageSpec(
    name="toml",
    grammar=("tree_sitter_toml", "language"),
    extensions=(".toml",),
    filenames=("Pipfile",),
    modes={
        "comment": DROP,
        "bare_key": KEEP,
        "quoted_key": KEEP,
        "string": ATOM,
        "integer": ATOM,
        "float": ATOM,
        "boolean": ATOM,
        "offset_date_time": ATOM,
        "local_date_time": ATOM,
        "local_date": ATOM,
        "local_time": ATOM,
    },
    placeholders={"string": "$val", "integer": "$val", "float": "$val", "boolean": "$val",
                  "offset_date_time": "$val", "local_date_time": "$val", "local_date": "$val", "local_time": "$val"},
    units={"table": "table", "table_array_element": "table"},
    name_fields={"table": "bare_key|dotted_key|quoted_key", "table_array_element": "bare_key|dotted_key|quoted_key"},
    key_marks=frozenset({"="}),
    kinds=(Kind("configuration", "build", files=("Cargo.toml", "pyproject.toml", "Pipfile")),),
)
