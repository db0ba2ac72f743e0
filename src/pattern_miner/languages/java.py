"""Java: names and literals become placeholders; keywords, types' shapes and annotations' names stay."""

from __future__ import annotations

from pattern_miner.languages import ATOM, CALLS, DROP, KEEP, Kind, LanguageSpec

# What Spring and the AWS/HTTP client libraries say about a class (hints for the category classifier).
JVM_KINDS = (
    Kind("configuration", "spring", marks=(
        r"@(?:Configuration|ConfigurationProperties|EnableConfigurationProperties|SpringBootApplication)\b",)),
    Kind("api_client", "http/queue client", marks=(
        r"@FeignClient\b", r"\b(?:RestTemplate|WebClient|RestClient|HttpClient|OkHttpClient|SqsClient|"
        r"SqsAsyncClient|AmazonSQS|SnsClient|S3Client|KafkaTemplate|RabbitTemplate)\b")),
)

SPEC = LanguageSpec(
    name="java",
    grammar=("tree_sitter_java", "language"),
    extensions=(".java",),
    modes={
        "line_comment": DROP,
        "block_comment": DROP,
        "identifier": ATOM,
        "type_identifier": ATOM,
        "string_literal": ATOM,  # text blocks too
        "character_literal": ATOM,
        "decimal_integer_literal": ATOM,
        "hex_integer_literal": ATOM,
        "octal_integer_literal": ATOM,
        "binary_integer_literal": ATOM,
        "decimal_floating_point_literal": ATOM,
        "hex_floating_point_literal": ATOM,
    },
    placeholders={
        "identifier": "$id", "type_identifier": "$id", "string_literal": "$str", "character_literal": "$str",
        "decimal_integer_literal": "$num", "hex_integer_literal": "$num", "octal_integer_literal": "$num",
        "binary_integer_literal": "$num", "decimal_floating_point_literal": "$num",
        "hex_floating_point_literal": "$num",
    },
    # `@Bean`, `@GetMapping`, `@Transactional` say what the code is; a renamed copy keeps them
    field_modes={("marker_annotation", "name"): KEEP, ("annotation", "name"): KEEP},
    units={
        "class_declaration": "class", "interface_declaration": "interface", "enum_declaration": "enum",
        "record_declaration": "class", "annotation_type_declaration": "interface",
        "method_declaration": "method", "constructor_declaration": "method",
    },
    phrases=CALLS,
    kinds=JVM_KINDS,
)
