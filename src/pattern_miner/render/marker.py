"""The hidden marker that keys an issue to its pattern and carries the machine state between runs.

    <!-- pattern-miner:id=ID first-seen=YYYY-MM-DD type=deployment kind=library parts=P,P hash=H state=open
         repos=h,h copies=k:t,k:t -->

``id`` is the opportunity's; ``kind`` its kind (``dashboard`` for the dashboard issue); ``parts`` the ids of its
component patterns (how an issue finds its way when an opportunity's id is new, and how a marker of the
per-pattern version, which has no ``kind`` and whose ``id`` is a pattern's, is adopted); ``hash`` a short
hash of its content (an ignored opportunity stays ignored until it changes).

``repos`` and ``copies`` are short hashes, never names, so a marker can sit in a public issue about a
pattern with private copies: ``copies`` is ``key-hash:text-hash`` per occurrence, enough to tell which
copies were added, removed or changed since the issue was last written.

Only the bot's own marker counts: the one that ENDS the body (its fixed place). Repository content and
model text rendered into a body can never carry one, because every ``<!--`` in them is neutralised
(``publish.markdown``), and a marker anywhere else in a body is ignored.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from pattern_miner.model import Occurrence, Opportunity, Pattern

PREFIX = "pattern-miner:"
HASH_LEN = 10  # hex digits: collisions among one pattern's copies are negligible at this length
_MARKER_RE = re.compile(r"<!--\s*pattern-miner:(?P<fields>[^>]*?)\s*-->")
_FINAL_MARKER_RE = re.compile(r"<!--\s*pattern-miner:(?P<fields>[^>]*?)\s*-->\s*\Z")
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9_.:,+=/-]*$")


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:HASH_LEN]


def copy_key(occ: Occurrence) -> str:
    """Identity of a copy across runs: where it is, not which lines (lines shift with unrelated edits)."""
    return short_hash(f"{occ.repo}\0{occ.path}\0{occ.unit}\0{occ.name}")


def copy_digest(occ: Occurrence) -> str:
    return f"{copy_key(occ)}:{short_hash(occ.text)}"


@dataclass(frozen=True)
class Marker:
    id: str
    first_seen: str = ""  # YYYY-MM-DD
    pattern_type: str = ""
    state: str = "open"  # open | resolved (Pattern Miner closed it: the copies went away) | ignored (the user said so)
    repos: tuple[str, ...] = ()  # short hashes of repository names
    copies: tuple[str, ...] = ()  # key-hash:text-hash per occurrence
    private: int = 0  # copies left out of repos/copies because the issue is redacted
    kind: str = ""  # the opportunity's kind; "" in a marker of the per-pattern version (its id is a pattern's)
    parts: tuple[str, ...] = ()  # the ids of the opportunity's component patterns
    content: str = ""  # short hash of the opportunity's content

    @property
    def legacy(self) -> bool:
        """Written by the per-pattern version: its id is a pattern id."""
        return not self.kind

    @property
    def pattern_ids(self) -> tuple[str, ...]:
        """The patterns this issue is about: its parts, or (per-pattern version) its id."""
        return self.parts if self.kind else (self.id,)

    @classmethod
    def for_opportunity(cls, opp: Opportunity, occurrences: tuple[Occurrence, ...], content: str, first_seen: str,
                        *, redact: bool = False) -> Marker:
        """The marker of an opportunity's issue; ``occurrences``: every copy it shows."""
        shown = [o for o in occurrences if not (redact and o.private)]
        lead = opp.patterns[0].pattern_type if opp.patterns else opp.category
        return cls(
            id=opp.id,
            first_seen=first_seen,
            pattern_type=re.sub(r"[^A-Za-z0-9_.-]", "_", lead),
            repos=tuple(sorted({short_hash(o.repo) for o in shown})),
            copies=tuple(sorted({copy_digest(o) for o in shown})),
            private=len(occurrences) - len(shown),
            kind=re.sub(r"[^A-Za-z0-9_-]", "_", opp.kind),
            parts=tuple(sorted({p.id for p in opp.patterns})),
            content=short_hash(content),
        )

    @classmethod
    def for_pattern(cls, pattern: Pattern, first_seen: str, *, redact: bool = False) -> Marker:
        """``redact``: private copies are left out entirely (a hash of a guessable name is still a leak)."""
        shown = [o for o in pattern.occurrences if not (redact and o.private)]
        return cls(
            id=pattern.id,
            first_seen=first_seen,
            pattern_type=re.sub(r"[^A-Za-z0-9_.-]", "_", pattern.pattern_type),
            repos=tuple(sorted({short_hash(o.repo) for o in shown})),
            copies=tuple(sorted({copy_digest(o) for o in shown})),
            private=len(pattern.occurrences) - len(shown),
        )

    def resolved(self) -> Marker:
        return replace(self, state="resolved")

    def ignored(self) -> Marker:
        return replace(self, state="ignored")

    def involves_repo(self, repo: str) -> bool:
        return short_hash(repo) in self.repos

    def render(self) -> str:
        fields = [f"id={self.id}"]
        if self.first_seen:
            fields.append(f"first-seen={self.first_seen}")
        if self.pattern_type:
            fields.append(f"type={self.pattern_type}")
        if self.kind:
            fields.append(f"kind={self.kind}")
        if self.parts:
            fields.append("parts=" + ",".join(self.parts))
        if self.content:
            fields.append(f"hash={self.content}")
        fields.append(f"state={self.state}")
        if self.repos:
            fields.append("repos=" + ",".join(self.repos))
        if self.copies:
            fields.append("copies=" + ",".join(self.copies))
        if self.private:
            fields.append(f"private={self.private}")
        for field in fields:
            if not _SAFE_VALUE.match(field):
                raise ValueError(f"unsafe marker field: {field!r}")
        return f"<!-- {PREFIX}{' '.join(fields)} -->"


def parse_marker(body: str | None) -> Marker | None:
    """The marker that ends an issue body, or None when the body does not end with one."""
    if not body:
        return None
    match = _FINAL_MARKER_RE.match(body, max(0, body.rfind("<!--")))
    if not match:
        return None
    values: dict[str, str] = {}
    for part in match.group("fields").split():
        key, sep, value = part.partition("=")
        if sep:
            values[key] = value
    if not values.get("id"):
        return None

    def _list(key: str) -> tuple[str, ...]:
        return tuple(v for v in values.get(key, "").split(",") if v)

    return Marker(
        id=values["id"],
        first_seen=values.get("first-seen", ""),
        pattern_type=values.get("type", ""),
        state=values.get("state", "open"),
        repos=_list("repos"),
        copies=_list("copies"),
        private=int(values["private"]) if values.get("private", "").isdigit() else 0,
        kind=values.get("kind", ""),
        parts=_list("parts"),
        content=values.get("hash", ""),
    )


def replace_marker(body: str, marker: Marker) -> str:
    """``body`` with its final marker swapped for ``marker`` (appended when it ends with none)."""
    found = _FINAL_MARKER_RE.search(body)
    if found:
        return body[: found.start()] + marker.render() + "\n"
    return body.rstrip("\n") + "\n\n" + marker.render() + "\n"


@dataclass(frozen=True)
class CopyChanges:
    added: tuple[str, ...]  # copy keys
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def diff_copies(old: Marker, new: Marker) -> CopyChanges:
    def split(copies: tuple[str, ...]) -> dict[str, str]:
        out: dict[str, str] = {}
        for item in copies:
            key, _, text = item.partition(":")
            out[key] = text
        return out

    before, after = split(old.copies), split(new.copies)
    return CopyChanges(
        added=tuple(sorted(set(after) - set(before))),
        removed=tuple(sorted(set(before) - set(after))),
        changed=tuple(sorted(k for k in set(before) & set(after) if before[k] != after[k])),
    )
