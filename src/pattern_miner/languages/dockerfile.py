"""Dockerfile: instructions and the commands they run carry meaning; image tags, paths and names do not."""

from __future__ import annotations

from pattern_miner.languages import ATOM, DROP, LEX, LanguageSpec

SPEC = LanguageSpec(
    name="dockerfile",
    grammar=("tree_sitter_dockerfile", "language"),
    filenames=("Dockerfile", "Dockerfile.*", "*.Dockerfile", "Containerfile", "Containerfile.*"),
    extensions=(".dockerfile",),
    modes={
        "comment": DROP,
        "line_continuation": DROP,
        "shell_fragment": LEX,  # RUN's shell text: `apt-get install -y`, `pip install --no-cache-dir`
        "image_name": ATOM,
        "image_tag": ATOM,
        "image_digest": ATOM,
        "image_alias": ATOM,
        "path": ATOM,
        "unquoted_string": ATOM,
        "double_quoted_string": ATOM,
        "single_quoted_string": ATOM,
        "json_string": ATOM,
        "expansion": ATOM,
        "variable": ATOM,
        "expose_port": ATOM,
        "param": ATOM,
        "mount_param": ATOM,
    },
    placeholders={"image_name": "$image", "image_tag": "$tag", "image_digest": "$tag", "image_alias": "$id",
                  "path": "$path", "unquoted_string": "$str", "double_quoted_string": "$str",
                  "single_quoted_string": "$str", "json_string": "$str", "expansion": "$var",
                  "variable": "$var", "expose_port": "$num", "param": "$param", "mount_param": "$param"},
    stage_kind="from_instruction",
)
