"""HCL / Terraform: block and resource types and attribute names carry meaning; labels and values do not."""

from __future__ import annotations

from pattern_miner.languages import ATOM, DROP, KEEP, LanguageSpec

SPEC = LanguageSpec(
    name="hcl",
    grammar=("tree_sitter_hcl", "language"),
    extensions=(".tf", ".tfvars", ".hcl"),
    modes={
        "comment": DROP,
        "identifier": KEEP,  # attribute names, block types, `var`
        "string_lit": ATOM,
        "template_expr": ATOM,
        "heredoc_template": ATOM,
        "numeric_lit": ATOM,
        "get_attr": ATOM,  # var.region, google_sql_database_instance.db.name: references to renamed labels
    },
    placeholders={"string_lit": "$str", "template_expr": "$str", "heredoc_template": "$str",
                  "numeric_lit": "$num", "get_attr": "$ref"},
    units={"block": "block"},
    block_kind="block",
    label_kind="string_lit",
    kept_labels={"resource": 1, "data": 1},  # resource "google_cloud_run_v2_service" "api": the type matters
    block_name_kinds=frozenset({"identifier", "string_lit"}),  # its type and labels, bare or quoted
    boilerplate_units=frozenset({"terraform", "required_providers", "provider"}),
    key_marks=frozenset({":", "="}),
)
