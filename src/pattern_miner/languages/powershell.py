"""PowerShell: cmdlet and command names and their parameters carry meaning; variables and values do not."""

from __future__ import annotations

from pattern_miner.languages import ATOM, DROP, KEEP, WORD, LanguageSpec

SPEC = LanguageSpec(
    name="powershell",
    grammar=("tree_sitter_powershell", "language"),
    extensions=(".ps1", ".psm1", ".psd1"),
    modes={
        "comment": DROP,
        "command_name": KEEP,  # Write-Host, docker, kubectl
        "command_parameter": KEEP,  # -Seconds, --short
        "generic_token": WORD,  # `build`, `push` stay; `deployment/orders` becomes a placeholder
        "type_identifier": KEEP,  # [string], [int]
        "variable": ATOM,
        "function_name": ATOM,
        "simple_name": ATOM,
        "member_name": ATOM,
        "string_literal": ATOM,
        "expandable_string_literal": ATOM,
        "expandable_here_string_literal": ATOM,
        "verbatim_string_characters": ATOM,
        "verbatim_here_string_characters": ATOM,
        "decimal_integer_literal": ATOM,
        "hexadecimal_integer_literal": ATOM,
        "real_literal": ATOM,
    },
    placeholders={
        "variable": "$var", "function_name": "$id", "simple_name": "$id", "member_name": "$id",
        "string_literal": "$str", "expandable_string_literal": "$str", "expandable_here_string_literal": "$str",
        "verbatim_string_characters": "$str", "verbatim_here_string_characters": "$str",
        "decimal_integer_literal": "$num", "hexadecimal_integer_literal": "$num", "real_literal": "$num",
    },
    units={"function_statement": "function", "class_statement": "class"},
    name_fields={"function_statement": "function_name", "class_statement": "simple_name"},
    key_marks=frozenset({"="}),
)
