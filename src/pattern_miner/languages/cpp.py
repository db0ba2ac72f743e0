"""C++: C's rules plus namespaces, raw strings and user-defined literals; classes are units."""

from __future__ import annotations

from pattern_miner.languages import ATOM, CALLS, LanguageSpec
from pattern_miner.languages.c import C_MODES, C_NAMES, C_PLACEHOLDERS, C_UNITS

SPEC = LanguageSpec(
    name="cpp",
    grammar=("tree_sitter_cpp", "language"),
    extensions=(".cpp", ".cc", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".h++", ".ipp", ".tpp"),
    modes={**C_MODES, "namespace_identifier": ATOM, "raw_string_literal": ATOM, "user_defined_literal": ATOM},
    placeholders={**C_PLACEHOLDERS, "namespace_identifier": "$id", "raw_string_literal": "$str",
                  "user_defined_literal": "$num"},
    units={**C_UNITS, "class_specifier": "class"},
    name_fields=C_NAMES,
    phrases=CALLS,
)
