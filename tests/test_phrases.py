"""Salient phrases: found once per file at parse time, picked for any span of it without parsing again."""

from __future__ import annotations

from pattern_miner.model import RepoInfo, SourceFile
from pattern_miner.phrases import SEPARATOR, features
from pattern_miner.records import FileRecord
from pattern_miner.shard import build_shard

CODE = b"""import json


def load(path):
    with open(path) as f:
        return json.loads(f.read())


def save(path, data):
    text = json.dumps(data)
    write(path, text)
    write(path + ".bak", text)
"""

WORKFLOW = b"""name: CI
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          pip install --upgrade pip setuptools wheel six
          make test
"""


def record(path: str, data: bytes) -> FileRecord:
    shard = build_shard(RepoInfo("o/r"), [SourceFile(path, data)])
    (rec,) = shard.files
    return rec


def spans(rec: FileRecord) -> dict[str, tuple[int, int]]:
    return {f"{kind} {name}".strip(): (start, end) for kind, name, start, end, *_ in rec.spans}


def test_code_phrases_are_the_names_it_calls_dotted_with_their_receiver() -> None:
    rec = record("store.py", CODE)
    assert rec.phrases.split(SEPARATOR) == ["load", "open", "json.loads", "f.read", "save", "json.dumps",
                                            "write", "write"]
    assert list(rec.phrase_at) == sorted(rec.phrase_at) and len(rec.phrase_at) == 8
    by_span = {name: features(rec, *at) for name, at in spans(rec).items()}
    # a unit's phrases are its own; the most frequent first, then in order of appearance
    assert by_span["function load"] == ("load", "open", "json.loads", "f.read")
    assert by_span["function save"] == ("write", "save", "json.dumps")
    assert by_span["file"] == ("write", "load", "open", "json.loads", "f.read", "save", "json.dumps")
    assert features(rec, *spans(rec)["file"], limit=2) == ("write", "load")


def test_configuration_phrases_are_runs_of_kept_words_without_mapping_keys() -> None:
    rec = record("ci.yml", WORKFLOW)
    found = [(kind, features(rec, start, end)) for kind, _, start, end, *_ in rec.spans]
    # `runs-on:`, `uses:`, `steps:` are keys; a flag (not a word) ends a run; the longest phrases first
    everything = ("pip setuptools wheel", "pip install", "make test", "ubuntu-latest", "actions/checkout@v4")
    assert found == [("file", everything), ("job", everything), ("step", ("actions/checkout@v4",)),
                     ("step", ("pip setuptools wheel", "pip install", "make test"))]


def test_a_file_without_phrases_has_none_to_give() -> None:
    rec = record("notes.txt", b"1 2 3\n= = =\n")
    assert rec.phrases == "" and len(rec.phrase_at) == 0
    assert features(rec, 0, len(rec.struct)) == ()
