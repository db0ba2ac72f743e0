"""Parse a file with tree-sitter and normalize it into token streams, with one generic walker.

Two parallel streams come out, one token per syntactic leaf, each with its source line:
- ``struct``: names and literals abstracted to placeholders (``$id``, ``$str``), so renamed copies match;
- ``lit``: the same tokens with their real text, so copies that differ only in values can be told apart.
Comments are dropped. Units (functions, jobs, blocks, stages) are recorded as token ranges.
A file whose parse is too broken (see ``LanguageSpec.max_error_ratio``) or whose language has no grammar
is tokenized line by line with the text lexer instead (``fallback=True``).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

import numpy as np
import tree_sitter

from pattern_miner.grammar import parse_within_budget, parser_for, too_deep
from pattern_miner.languages import ATOM, DROP, KEEP, LEX, TEXT, WORD, LanguageSpec, for_path
from pattern_miner.languages.formats import format_for
from pattern_miner.lexer import classify_word, count_lines, decode, lex_text
from pattern_miner.records import Unit
from pattern_miner.textlex import lex_format


@dataclass
class TokenizedFile:
    path: str
    language: str
    struct: list[str]
    lit: list[str]
    lines: list[int]  # 1-based source line of each token
    units: list[Unit] = field(default_factory=list)
    n_lines: int = 0
    fallback: bool = False  # compared line by line: text of no known format, or the parse was too broken


def tokenize_text(path: str, text: str, language: str = "") -> TokenizedFile:
    """A file without a syntax tree, token by token: by its text format (``languages.formats``) when no
    language is given, else (a parse too broken to use) by the text lexer, under that language."""
    struct: list[str] = []
    lit: list[str] = []
    lines: list[int] = []
    known = False
    if language:
        lex_text(text, 1, struct, lit, lines)
    else:
        fmt = format_for(path)
        language = fmt.name if fmt is not None else "text"
        known = lex_format(text, fmt, struct, lit, lines)
    return TokenizedFile(path, language, struct, lit, lines, [], count_lines(text), fallback=not known)


# ----------------------------------------------------------------------------- the walker


def last_line(node: tree_sitter.Node) -> int:
    """1-based line of a node's last character: a node that ends with a newline (a YAML block at the
    end of the file) ends on the line that newline closes, not on the empty line after it."""
    row, column = node.end_point
    return row if column == 0 and row > node.start_point[0] else row + 1


def tokenize(path: str, data: bytes, spec: LanguageSpec | None = None, text: str | None = None) -> TokenizedFile:
    """Normalize one file; the language comes from its path unless given (``text``: ``decode(data)``
    when the caller has it already)."""
    text = decode(data) if text is None else text
    spec = spec or for_path(path)
    if spec is None:
        return tokenize_text(path, text)
    if spec.max_indent and too_deep(text, spec.max_indent):
        return tokenize_text(path, text, spec.name)  # nested deeper than the grammar can safely parse
    src = text.encode("utf-8")
    tree = parse_within_budget(parser_for(spec), src)
    if tree is None:
        return tokenize_text(path, text, spec.name)  # the grammar took too long: pathological input
    walker = _Walker(spec, src, text if len(text) == len(src) else None)
    walker.walk(tree)
    if src and walker.error_bytes > spec.max_error_ratio * len(src):
        return tokenize_text(path, text, spec.name)
    units = walker.units
    if spec.stage_kind and len(walker.stage_starts) > 1:
        units = units + walker.stages(len(walker.struct), count_lines(text))
    units.sort(key=lambda u: (u.start, -u.end))
    return TokenizedFile(path, spec.name, walker.struct, walker.lit, walker.lines, units,
                         count_lines(text), fallback=False)


@dataclass(frozen=True)
class _Tables:
    """A language's node kinds by integer id, so the walk never compares strings."""

    names: list[str]
    modes: list[str | None]  # the spec's mode of the kind (None: descend, or emit a leaf)
    named: list[bool]
    blank: list[bool]  # the kind's text is whitespace (Dockerfile newlines)
    special: list[bool]  # a unit, mapping pair, list item, block or stage starts at this kind
    atoms: list[str]  # the placeholder an ATOM of the kind becomes


_TABLES: dict[str, _Tables] = {}


def _tables(spec: LanguageSpec) -> _Tables:
    tables = _TABLES.get(spec.name)
    if tables is None:
        language = parser_for(spec).language
        assert language is not None
        count = language.node_kind_count
        # the last slot stands for ERROR, whose id (65535) is outside the grammar's kinds
        names = [language.node_kind_for_id(i) or "" for i in range(count)] + ["ERROR"]
        starts = set(spec.units) | {spec.pair_kind, spec.item_kind, spec.block_kind, spec.stage_kind}
        starts.discard("")
        is_named = [language.node_kind_is_named(i) for i in range(count)] + [True]
        tables = _TABLES[spec.name] = _Tables(
            names=names,
            # a keyword spelled like a named kind (PHP's `string` type, Ruby's `class`) is not that kind
            modes=[spec.modes.get(n) if named else None for n, named in zip(names, is_named, strict=True)],
            named=is_named,
            blank=[n.isspace() for n in names],
            special=[n in starts and named for n, named in zip(names, is_named, strict=True)],  # not a keyword
            atoms=[spec.placeholders.get(n, "$" + n) for n in names],
        )
    return tables


def unit_name(node: tree_sitter.Node, path: str) -> tree_sitter.Node | None:
    """The node that names a unit, found by ``LanguageSpec.name_fields``' path: steps separated by "/",
    each a field name (followed down while the child has the same field: a C function's name sits in
    nested declarators) or the kind of a named child, with "|" between alternatives."""
    current: tree_sitter.Node | None = node
    for step in path.split("/"):
        if current is None:
            return None
        found = None
        for alternative in step.split("|"):
            found = current.child_by_field_name(alternative)
            if found is not None:
                while found.child_count and (deeper := found.child_by_field_name(alternative)) is not None:
                    found = deeper
                break
            found = next((c for c in current.named_children if c.type == alternative), None)
            if found is not None:
                break
        current = found
    return current


@dataclass(slots=True)
class _Block:
    """An HCL-style block the walk is inside: its depth, its type (`resource`), the labels seen so far."""

    depth: int
    type: str
    labels: int = 0


class _Walker:
    """Depth-first walk with a tree cursor; the spec says what each node kind becomes."""

    def __init__(self, spec: LanguageSpec, src: bytes, ascii_text: str | None = None) -> None:
        self.spec = spec
        self.src = src
        self.ascii = ascii_text  # the text when it is all ASCII: byte offsets are then str offsets
        self.struct: list[str] = []
        self.lit: list[str] = []
        self.starts = array("q")  # the start byte of each token: lines are counted once, at the end
        self.lines: list[int] = []  # filled by `finish`
        self.units: list[Unit] = []
        self._newlines: list[int] | None = None
        self._watch = -1  # the deepest depth at which an open unit, pair or block is waiting to close
        self.error_bytes = 0
        self.stage_starts: list[tuple[int, int]] = []  # (token index, line) of each FROM
        # open units: (depth, kind, name, start token, start line, end line)
        self._open: list[tuple[int, str, str, int, int, int]] = []
        self._keys: list[tuple[int, str]] = []  # (depth, key) of the enclosing mapping pairs
        self._blocks: list[_Block] = []  # the enclosing blocks

    def _text(self, node: tree_sitter.Node) -> str:
        if self.ascii is not None:
            return self.ascii[node.start_byte:node.end_byte]
        return self.src[node.start_byte:node.end_byte].decode("utf-8", errors="replace")

    def _line_start(self, line: int) -> int:
        """The byte where a 1-based line starts (for tokens the text lexer places by line)."""
        if self._newlines is None:
            self._newlines = np.flatnonzero(np.frombuffer(self.src, dtype=np.uint8) == 10).tolist()
        return 0 if line <= 1 else self._newlines[line - 2] + 1

    def _set_watch(self) -> None:
        self._watch = max(self._open[-1][0] if self._open else -1, self._keys[-1][0] if self._keys else -1,
                          self._blocks[-1].depth if self._blocks else -1)

    def finish(self) -> None:
        """Token start bytes to 1-based lines, and the units' last lines trimmed to their last token."""
        newlines = np.flatnonzero(np.frombuffer(self.src, dtype=np.uint8) == 10)
        self.lines = (np.searchsorted(newlines, np.frombuffer(self.starts, dtype=np.int64)) + 1).tolist()
        for i, unit in enumerate(self.units):
            if unit.end > unit.start:  # a trailing comment inside the node is not part of the unit
                end_line = max(unit.start_line, min(unit.end_line, self.lines[unit.end - 1]))
                if end_line != unit.end_line:
                    self.units[i] = unit._replace(end_line=end_line)

    def _mode(self, node: tree_sitter.Node, kind: str, field_name: str | None, parent_kind: str,
              default: str | None) -> str | None:
        """The mode of a node in its context (``default``: its kind's, from the tables)."""
        spec = self.spec
        if field_name is not None:
            mode = spec.field_modes.get((parent_kind, field_name))
            if mode is not None:
                return mode
            if (field_name == "value" and parent_kind == spec.pair_kind and self._keys
                    and self._keys[-1][1] in spec.kept_value_keys):
                return KEEP
        if spec.label_kind and kind == spec.label_kind and parent_kind == spec.block_kind and self._blocks:
            block = self._blocks[-1]
            block.labels += 1
            return KEEP if block.labels <= spec.kept_labels.get(block.type, 0) else ATOM
        return default

    def _close_units(self, depth: int) -> None:
        while self._open and self._open[-1][0] >= depth:
            d, kind, name, start, start_line, end_line = self._open.pop()
            self.units.append(Unit(kind, name, start, len(self.struct), start_line, end_line))
        while self._keys and self._keys[-1][0] >= depth:
            self._keys.pop()
        while self._blocks and self._blocks[-1].depth >= depth:
            self._blocks.pop()
        self._set_watch()

    def _unit(self, node: tree_sitter.Node, kind: str, depth: int) -> tuple[str, str] | None:
        """(unit kind, name) when this node is a unit of its own."""
        spec = self.spec
        unit_kind = spec.units.get(kind)
        if unit_kind is not None:
            values = spec.unit_values.get(kind)
            if values is not None:
                value = node.child_by_field_name("value")
                if value is None or value.type not in values:
                    return None
            if spec.block_kind and kind == spec.block_kind:
                parts = [self._text(c) for c in node.named_children if c.type in spec.block_name_kinds]
                if not parts or parts[0] in spec.boilerplate_units:
                    return None
                return unit_kind, " ".join(parts)
            name_node = unit_name(node, spec.name_fields.get(kind, "name"))
            name = " ".join(self._text(name_node).split()) if name_node is not None else ""
            names = spec.unit_names.get(kind)
            if names is not None and name not in names:
                return None
            return unit_kind, name
        if spec.unit_parent_keys and kind in (spec.pair_kind, spec.item_kind) and self._keys:
            key_depth, key = self._keys[-1]
            parent_unit = spec.unit_parent_keys.get(key)
            if parent_unit is not None and depth == key_depth + spec.child_depth:
                if kind == spec.pair_kind:
                    key_node = node.child_by_field_name("key")
                    return parent_unit, self._text(key_node) if key_node is not None else ""
                return parent_unit, ""
        return None

    def walk(self, tree: tree_sitter.Tree) -> None:
        """The hot loop: one step per node, dispatching on the integer kind id through `_tables`."""
        spec = self.spec
        t = _tables(spec)
        modes, names, named, blank, special, atoms = t.modes, t.names, t.named, t.blank, t.special, t.atoms
        contextual = bool(spec.field_modes or spec.pair_kind or spec.label_kind)
        check_errors = tree.root_node.has_error
        error_slot = len(names) - 1
        struct, lit, starts = self.struct, self.lit, self.starts
        src, ascii_text = self.src, self.ascii
        cursor = tree.walk()
        depth = 0
        watch = self._watch
        parents: list[str] = [""]
        while True:
            node = cursor.node
            assert node is not None
            k = node.kind_id
            if check_errors:
                if k > error_slot:
                    k = error_slot
                if node.is_error or node.is_missing:
                    self.error_bytes += max(1, node.end_byte - node.start_byte)
            if depth <= watch:
                self._close_units(depth)
                watch = self._watch
            mode = self._mode(node, names[k], cursor.field_name, parents[-1], modes[k]) if contextual else modes[k]
            if mode is None:
                if special[k]:
                    self._enter(node, names[k], depth)
                    watch = self._watch
                if cursor.goto_first_child():
                    if contextual:
                        parents.append(names[k])
                    depth += 1
                    continue
                # a leaf; a blank one carries nothing (an HCL file of only blank lines is one empty node)
                if not blank[k]:
                    start, end = node.byte_range
                    if named[k]:
                        text = ascii_text[start:end] if ascii_text is not None else \
                            src[start:end].decode("utf-8", errors="replace")
                        if text.strip() and not (check_errors and node.is_error):
                            struct.append(names[k])
                            lit.append(text)
                            starts.append(start)
                    elif end > start and not (check_errors and node.is_error):
                        struct.append(names[k])
                        lit.append(names[k])
                        starts.append(start)
            elif mode == DROP:
                pass
            else:
                start, end = node.byte_range
                text = ascii_text[start:end] if ascii_text is not None else \
                    src[start:end].decode("utf-8", errors="replace")
                if mode == ATOM:
                    struct.append(atoms[k])
                    lit.append(text)
                    starts.append(start)
                elif mode == KEEP:
                    text = " ".join(text.split())
                    struct.append(text)
                    lit.append(text)
                    starts.append(start)
                elif mode == WORD:
                    struct.append(classify_word(text))
                    lit.append(text)
                    starts.append(start)
                elif mode == LEX:
                    lines: list[int] = []
                    lex_text(text, node.start_point[0] + 1, struct, lit, lines)
                    starts.extend(self._line_start(line) for line in lines)
                elif mode == TEXT and not text.isspace():
                    struct.append(atoms[k])
                    lit.append(text.strip())
                    starts.append(start + len(text) - len(text.lstrip()))
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    self._close_units(0)
                    self.finish()
                    return
                if contextual:
                    parents.pop()
                depth -= 1

    def _enter(self, node: tree_sitter.Node, kind: str, depth: int) -> None:
        """A node that opens a unit, a mapping pair, a block or a stage."""
        spec = self.spec
        unit = self._unit(node, kind, depth) if (spec.units or spec.unit_parent_keys) else None
        if unit is not None:
            self._open.append((depth, unit[0], unit[1], len(self.struct), node.start_point[0] + 1, last_line(node)))
        if kind == spec.pair_kind:
            key_node = node.child_by_field_name("key")
            self._keys.append((depth, self._text(key_node).strip() if key_node is not None else ""))
        if kind == spec.block_kind:
            first = node.named_child(0)
            self._blocks.append(_Block(depth, self._text(first) if first is not None else ""))
        if kind == spec.stage_kind:
            self.stage_starts.append((len(self.struct), node.start_point[0] + 1))
        self._set_watch()

    def stages(self, n_tokens: int, n_lines: int) -> list[Unit]:
        """Dockerfile stages: from each FROM to the next."""
        out = []
        for i, (start, line) in enumerate(self.stage_starts):
            end, next_line = (self.stage_starts[i + 1] if i + 1 < len(self.stage_starts) else (n_tokens, n_lines + 1))
            last_line = self.lines[end - 1] if end > start else line
            out.append(Unit("stage", f"stage {i + 1}", start, end, line, max(line, min(last_line, next_line - 1))))
        return out
