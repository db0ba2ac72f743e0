"""Shell: command names and subcommands carry meaning (`gcloud run deploy`); variables and values do not."""

from __future__ import annotations

from pattern_miner.languages import ATOM, DROP, KEEP, WORD, LanguageSpec

SPEC = LanguageSpec(
    name="bash",
    grammar=("tree_sitter_bash", "language"),
    extensions=(".sh", ".bash", ".ksh", ".zsh"),
    modes={
        "comment": DROP,
        "command_name": KEEP,  # gcloud, docker, kubectl, echo
        "word": WORD,  # `run`, `deploy`, `--region` stay; `us-central1`, `./x.sh` become placeholders
        "variable_name": ATOM,  # $REGION and REGION= are names
        "string_content": ATOM,
        "raw_string": ATOM,
        "ansi_c_string": ATOM,
        "number": ATOM,
        "heredoc_body": ATOM,
        "special_variable_name": KEEP,  # $@, $?, $# mean the same everywhere
        "test_operator": KEEP,
        "file_descriptor": KEEP,
    },
    placeholders={"variable_name": "$var", "string_content": "$str", "raw_string": "$str",
                  "ansi_c_string": "$str", "number": "$num", "heredoc_body": "$str"},
    units={"function_definition": "function"},
    field_modes={("function_definition", "name"): ATOM},
)
