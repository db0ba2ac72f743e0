"""C#: names and literals become placeholders; keywords, predefined types and attributes' names stay."""

from __future__ import annotations

from pattern_miner.languages import ATOM, CALLS, DROP, KEEP, Kind, LanguageSpec

SPEC = LanguageSpec(
    name="csharp",
    grammar=("tree_sitter_c_sharp", "language"),
    extensions=(".cs",),
    modes={
        "comment": DROP,
        "identifier": ATOM,
        "string_literal": ATOM,
        "verbatim_string_literal": ATOM,
        "raw_string_literal": ATOM,
        "interpolated_string_expression": ATOM,
        "character_literal": ATOM,
        "integer_literal": ATOM,
        "real_literal": ATOM,
    },
    placeholders={"identifier": "$id", "string_literal": "$str", "verbatim_string_literal": "$str",
                  "raw_string_literal": "$str", "interpolated_string_expression": "$str",
                  "character_literal": "$str", "integer_literal": "$num", "real_literal": "$num"},
    field_modes={("attribute", "name"): KEEP},  # [HttpGet], [ApiController], [Fact]
    units={
        "class_declaration": "class", "struct_declaration": "class", "record_declaration": "class",
        "interface_declaration": "interface", "enum_declaration": "enum",
        "method_declaration": "method", "constructor_declaration": "method", "local_function_statement": "function",
    },
    phrases=CALLS,
    kinds=(
        Kind("api_client", "http client", marks=(r"\b(?:HttpClient|IHttpClientFactory|RestClient|AmazonSQSClient)\b",)),
        Kind("configuration", "settings", marks=(r"\bIConfiguration\b", r"\bIOptions<")),
    ),
)
