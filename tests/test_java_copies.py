"""Java copies among real Java: classes of the JDK's own sources (its ``lib/src.zip``) as three services'
code, with one class planted in all three — verbatim, renamed, and edited. The copies are found, as one
pattern, and nothing else is: real classes of different packages are not copies of each other."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from pattern_miner.config import default_config
from pattern_miner.console import Console
from pattern_miner.engine import scan
from pattern_miner.model import ScanReport
from pattern_miner.sources.local import LocalSource, repos_from_paths


def _src_zip() -> Path | None:
    java = shutil.which("java")
    candidates = [Path(java).resolve().parent.parent / "lib" / "src.zip"] if java else []
    candidates += sorted(Path("/usr/lib/jvm").glob("*/lib/src.zip"))  # a JDK beside it (17's may be a dangling link)
    return next((p for p in candidates if p.is_file()), None)


SRC_ZIP = _src_zip()
pytestmark = pytest.mark.skipif(SRC_ZIP is None, reason="no JDK sources (lib/src.zip) on this machine")

# One package of real classes per service; the planted class comes from none of them.
BACKGROUND = {"orders": "java.base/java/util/zip/", "billing": "java.base/java/net/", "ledger": "java.base/java/util/concurrent/atomic/"}
PER_REPO = 12
MAX_BYTES = 30_000  # small and mid-size classes: the test stays quick
PLANTED = "java.base/java/util/StringJoiner.java"
PLANTED_PATH = "src/main/java/com/acme/common/StringJoiner.java"


def _rename(text: str) -> str:
    """A type-2 copy: the class, its fields and methods renamed consistently."""
    for old, new in {"StringJoiner": "TextJoiner", "prefix": "head", "suffix": "tail", "delimiter": "separator",
                     "emptyValue": "whenEmpty", "setEmptyValue": "useWhenEmpty", "compactElts": "pack"}.items():
        text = re.sub(rf"\b{old}\b", new, text)
    return text


def _edit(text: str) -> str:
    """A type-3 copy: the Javadoc trimmed, a method dropped, a statement added."""
    text = re.sub(r"/\*\*.*?\*/", "", text, flags=re.S)
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if "public int length()" in line)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("    }"))
    del lines[start:end + 1]
    at = next(i for i, line in enumerate(lines) if "public StringJoiner add(" in line)
    lines.insert(at + 1, "        java.util.Objects.requireNonNull(newElement, \"element\");")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> ScanReport:
    root = tmp_path_factory.mktemp("jdk")
    assert SRC_ZIP is not None
    with zipfile.ZipFile(SRC_ZIP) as z:
        for repo, package in BACKGROUND.items():
            names = sorted(n for n in z.namelist() if n.startswith(package) and n.endswith(".java")
                           and "/" not in n[len(package):] and z.getinfo(n).file_size <= MAX_BYTES)
            assert len(names) >= PER_REPO, package
            for name in names[:PER_REPO]:
                target = root / repo / "src/main/java" / name.split("/", 1)[1]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(z.read(name))
        original = z.read(PLANTED).decode("utf-8")
    copies = {"orders": original, "billing": _rename(original), "ledger": _edit(original)}
    for repo, text in copies.items():
        (root / repo / PLANTED_PATH).parent.mkdir(parents=True, exist_ok=True)
        (root / repo / PLANTED_PATH).write_text(text, encoding="utf-8")
    config = default_config()
    source = LocalSource(repos_from_paths(sorted(p for p in root.iterdir() if p.is_dir())), config)
    return scan(source, config, console=Console(quiet=True), jobs=1)


def test_the_background_is_real_java_parsed_by_its_grammar(report: ScanReport) -> None:
    assert report.stats.files_scanned >= 3 * PER_REPO + 3
    assert report.stats.parse_fallbacks == 0


def test_the_planted_copies_are_one_pattern(report: ScanReport) -> None:
    planted = [p for p in report.patterns if any(o.path == PLANTED_PATH for o in p.occurrences)]
    assert planted, "the planted class was not found"
    files = [p for p in planted if p.kind == "file"]
    assert len(files) == 1, [(p.kind, sorted((o.repo, o.path) for o in p.occurrences)) for p in planted]
    assert {o.repo for o in files[0].occurrences} == {"local/orders", "local/billing", "local/ledger"}
    assert files[0].language == "java"


def test_nothing_else_is_reported(report: ScanReport) -> None:
    others = sorted({(o.repo, o.path) for p in report.patterns for o in p.occurrences if o.path != PLANTED_PATH})
    assert others == []
