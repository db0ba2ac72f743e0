"""YAML (workflows, cloudbuild, compose, k8s): keys and `uses:` actions carry meaning; values do not."""

from __future__ import annotations

from pattern_miner.languages import ATOM, DROP, KEEP, LEX, LanguageSpec

SPEC = LanguageSpec(
    name="yaml",
    grammar=("tree_sitter_yaml", "language"),
    extensions=(".yml", ".yaml"),
    modes={
        "comment": DROP,
        "plain_scalar": ATOM,
        "double_quote_scalar": ATOM,
        "single_quote_scalar": ATOM,
        "block_scalar": LEX,  # `run: |` scripts: the commands in them matter
        "anchor": DROP,
        "tag": KEEP,
        "alias": ATOM,
    },
    placeholders={"plain_scalar": "$val", "double_quote_scalar": "$val", "single_quote_scalar": "$val",
                  "alias": "$val"},
    field_modes={("block_mapping_pair", "key"): KEEP, ("flow_pair", "key"): KEEP},
    pair_kind="block_mapping_pair",
    # actions/checkout@v4 and google-github-actions/deploy-cloudrun@v2 say what a step does
    kept_value_keys=frozenset({"uses", "shell", "runs-on", "entrypoint"}),
    unit_parent_keys={"jobs": "job", "steps": "step", "services": "service"},
    item_kind="block_sequence_item",  # a step: `- uses: …`
    child_depth=3,  # block_mapping_pair → block_node → block_mapping | block_sequence → pair | item
    max_indent=200,  # the scanner crashes past ~250 nesting levels
    key_marks=frozenset({":", "="}),
)
