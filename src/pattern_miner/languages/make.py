"""Makefiles: targets and the commands of recipes carry meaning; variables' values do not."""

from __future__ import annotations

from pattern_miner.languages import ATOM, DROP, LEX, WORD, Kind, LanguageSpec

SPEC = LanguageSpec(
    name="make",
    grammar=("tree_sitter_make", "language"),
    extensions=(".mk", ".mak", ".make"),
    filenames=("Makefile", "makefile", "GNUmakefile", "Makefile.*", "*.mk"),
    modes={
        "comment": DROP,
        "word": WORD,  # targets, prerequisites and variable names: `build`, `.PHONY` stay, `GO_FLAGS` does not
        "variable_reference": ATOM,  # $(IMAGE)
        "automatic_variable": ATOM,  # $@, $<
        "shell_text": LEX,  # a recipe's commands: `docker build -t`, `go test -race`
        "text": LEX,
        "raw_text": LEX,
        "shell_command": LEX,
    },
    placeholders={"variable_reference": "$var", "automatic_variable": "$var"},
    units={"rule": "target", "define_directive": "function"},
    name_fields={"rule": "targets"},
    key_marks=frozenset({"=", ":=", "?=", "+=", ":"}),
    kinds=(Kind("configuration", "build", files=("Makefile", "makefile", "GNUmakefile", "*.mk")),),
)
