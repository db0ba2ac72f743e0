"""Ruby: names, symbols and literals become placeholders; keywords and structure stay."""

from __future__ import annotations

from pattern_miner.languages import ATOM, CALLS, DROP, Kind, LanguageSpec

SPEC = LanguageSpec(
    name="ruby",
    grammar=("tree_sitter_ruby", "language"),
    extensions=(".rb", ".rake", ".gemspec"),
    filenames=("Gemfile", "Rakefile", "Guardfile", "Capfile", "Vagrantfile"),
    modes={
        "comment": DROP,
        "identifier": ATOM,
        "constant": ATOM,
        "instance_variable": ATOM,
        "class_variable": ATOM,
        "global_variable": ATOM,
        "hash_key_symbol": ATOM,
        "simple_symbol": ATOM,
        "delimited_symbol": ATOM,
        "string": ATOM,
        "chained_string": ATOM,
        "character": ATOM,
        "subshell": ATOM,
        "regex": ATOM,
        "string_array": ATOM,
        "symbol_array": ATOM,
        "heredoc_beginning": ATOM,
        "heredoc_body": ATOM,
        "integer": ATOM,
        "float": ATOM,
        "rational": ATOM,
        "complex": ATOM,
    },
    placeholders={
        "identifier": "$id", "constant": "$id", "instance_variable": "$id", "class_variable": "$id",
        "global_variable": "$id", "hash_key_symbol": "$id", "simple_symbol": "$str", "delimited_symbol": "$str",
        "string": "$str", "chained_string": "$str", "character": "$str", "subshell": "$str", "regex": "$str",
        "string_array": "$str", "symbol_array": "$str", "heredoc_beginning": "$str", "heredoc_body": "$str",
        "integer": "$num", "float": "$num", "rational": "$num", "complex": "$num",
    },
    units={"class": "class", "module": "class", "method": "method", "singleton_method": "method"},
    phrases=CALLS,
    kinds=(Kind("configuration", "build", files=("Gemfile", "*.gemspec", "Rakefile")),),
)
