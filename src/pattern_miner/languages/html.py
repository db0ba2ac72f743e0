"""HTML: tag and attribute names carry meaning; attribute values and text do not; scripts and styles are lexed."""

from __future__ import annotations

from pattern_miner.languages import ATOM, DROP, KEEP, LEX, TEXT, LanguageSpec

SPEC = LanguageSpec(
    name="html",
    grammar=("tree_sitter_html", "language"),
    extensions=(".html", ".htm", ".xhtml"),
    modes={
        "comment": DROP,
        "doctype": KEEP,  # <!DOCTYPE html>
        "tag_name": KEEP,
        "attribute_name": KEEP,
        "attribute_value": ATOM,
        "quoted_attribute_value": ATOM,
        "text": TEXT,
        "raw_text": LEX,  # the body of <script> and <style>
        "entity": ATOM,
    },
    placeholders={"attribute_value": "$str", "quoted_attribute_value": "$str", "text": "$text", "entity": "$text"},
    units={"element": "element"},
    name_fields={"element": "start_tag|self_closing_tag/tag_name"},
    # sections of a page that are copied whole between sites
    unit_names={"element": frozenset({"head", "header", "footer", "nav", "form", "table", "section", "aside",
                                      "dialog", "template"})},
    key_marks=frozenset({"="}),
)
