"""The generic walker: what survives normalization, and what does not (the text lexer: test_lexer.py)."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from pattern_miner.languages import all_specs, by_name
from pattern_miner.lexer import decode, lexical_items
from pattern_miner.parse import tokenize, tokenize_text, too_deep

ORIGINAL = {
    "app.py": """\
import requests


def fetch_orders(session, base_url, limit=50):
    response = session.get(base_url + "/orders", params={"limit": limit}, timeout=10)
    if response.status_code != 200:
        raise RuntimeError("orders: " + str(response.status_code))
    return [order["id"] for order in response.json()]
""",
    "app.js": """\
export async function fetchOrders(client, baseUrl, limit = 50) {
  const response = await client.get(`${baseUrl}/orders`, { params: { limit }, timeout: 10 });
  if (response.status !== 200) {
    throw new Error("orders: " + response.status);
  }
  return response.data.map((order) => order.id);
}
""",
    "main.go": """\
package orders

func FetchOrders(client *Client, baseURL string, limit int) ([]string, error) {
	resp, err := client.Get(baseURL+"/orders", limit)
	if err != nil {
		return nil, err
	}
	return resp.IDs, nil
}
""",
    "deploy.sh": """\
#!/usr/bin/env bash
set -euo pipefail
SERVICE="${SERVICE_NAME:?}"
gcloud run deploy "${SERVICE}" --region "${REGION}" --image "${IMAGE}"
echo "deployed ${SERVICE}"
""",
    "ci.yml": """\
name: CI
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Unit tests
        run: make test
""",
    "main.tf": """\
resource "google_storage_bucket" "assets" {
  name     = "acme-assets"
  location = var.region
  versioning {
    enabled = true
  }
}
""",
}

RENAMED = {
    "app.py": """\
import httpx


def load_invoices(client, root, page_size=25):
    reply = client.get(root + "/invoices", params={"page_size": page_size}, timeout=30)
    if reply.status_code != 201:
        raise ValueError("invoices: " + str(reply.status_code))
    return [invoice["number"] for invoice in reply.json()]
""",
    "app.js": """\
export async function loadInvoices(http, root, pageSize = 25) {
  const reply = await http.get(`${root}/invoices`, { params: { pageSize }, timeout: 30 });
  if (reply.status !== 201) {
    throw new Error("invoices: " + reply.status);
  }
  return reply.data.map((invoice) => invoice.number);
}
""",
    "main.go": """\
package invoices

func LoadInvoices(c *HTTP, root string, pageSize int) ([]string, error) {
	reply, e := c.Get(root+"/invoices", pageSize)
	if e != nil {
		return nil, e
	}
	return reply.Numbers, nil
}
""",
    "deploy.sh": """\
#!/usr/bin/env bash
set -euo pipefail
APP="${APP_NAME:?}"
gcloud run deploy "${APP}" --region "${GCP_REGION}" --image "${IMAGE_URI}"
echo "shipped ${APP}"
""",
    "ci.yml": """\
name: Build
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Run the suite
        run: make check
""",
    "main.tf": """\
resource "google_storage_bucket" "static" {
  name     = "shop-static"
  location = var.location
  versioning {
    enabled = true
  }
}
""",
}

# The same files with comments added, blank lines inserted and indentation changed.
REFORMATTED = {
    "app.py": """\
# Orders from the shop API.
import requests



def fetch_orders(session, base_url, limit=50):
  # one page only
  response = session.get(base_url + "/orders", params={"limit": limit}, timeout=10)

  if response.status_code != 200:
      raise RuntimeError("orders: " + str(response.status_code))  # surface the status
  return [order["id"] for order in response.json()]
""",
    "app.js": """\
/* Orders from the shop API. */
export async function fetchOrders(client, baseUrl, limit = 50) {
    // one page only
    const response = await client.get(`${baseUrl}/orders`, { params: { limit }, timeout: 10 });

    if (response.status !== 200) {
        throw new Error("orders: " + response.status);
    }
    return response.data.map((order) => order.id);  // ids only
}
""",
    "main.go": """\
// Package orders reads orders.
package orders

// FetchOrders returns the ids of the first page.
func FetchOrders(client *Client, baseURL string, limit int) ([]string, error) {
    resp, err := client.Get(baseURL+"/orders", limit)

    if err != nil {
        return nil, err // propagate
    }
    return resp.IDs, nil
}
""",
    "deploy.sh": """\
#!/usr/bin/env bash
# Deploy one service.
set -euo pipefail

SERVICE="${SERVICE_NAME:?}"
  gcloud run deploy "${SERVICE}" --region "${REGION}" --image "${IMAGE}"   # the deploy
echo "deployed ${SERVICE}"
""",
    "ci.yml": """\
# Continuous integration.
name: CI
jobs:
    test:
        runs-on: ubuntu-latest   # hosted runner
        steps:

            - uses: actions/checkout@v4
            # the tests
            - name: Unit tests
              run: make test
""",
    "main.tf": """\
# Static assets.
resource "google_storage_bucket" "assets" {
    name     = "acme-assets"   # globally unique
    location = var.region

    versioning {
        enabled = true
    }
}
""",
}


@pytest.mark.parametrize("name", sorted(ORIGINAL))
def test_renamed_copy_has_the_same_structure_and_different_literals(name: str) -> None:
    a = tokenize(name, ORIGINAL[name].encode())
    b = tokenize(name, RENAMED[name].encode())
    assert not a.fallback and not b.fallback
    assert a.struct == b.struct
    assert a.lit != b.lit
    assert a.lines == b.lines


def test_yaml_keys_and_booleans_are_structure() -> None:
    """Keys name what a value is (a job id, a setting), so renaming one is a real difference."""
    base = tokenize("ci.yml", ORIGINAL["ci.yml"].encode())
    renamed_key = tokenize("ci.yml", ORIGINAL["ci.yml"].replace("  test:", "  check:").encode())
    assert base.struct != renamed_key.struct
    tf = tokenize("main.tf", ORIGINAL["main.tf"].encode())
    flipped = tokenize("main.tf", ORIGINAL["main.tf"].replace("true", "false").encode())
    assert tf.struct != flipped.struct


@pytest.mark.parametrize("name", sorted(ORIGINAL))
def test_comments_blank_lines_and_indentation_change_neither_stream(name: str) -> None:
    a = tokenize(name, ORIGINAL[name].encode())
    b = tokenize(name, REFORMATTED[name].encode())
    assert not b.fallback
    assert (a.struct, a.lit) == (b.struct, b.lit)
    assert [(u.kind, u.name, u.end - u.start) for u in a.units] == [(u.kind, u.name, u.end - u.start) for u in b.units]


def test_a_real_edit_changes_the_structure() -> None:
    a = tokenize("app.py", ORIGINAL["app.py"].encode())
    b = tokenize("app.py", ORIGINAL["app.py"].replace("!= 200", "not in (200, 204)").encode())
    assert a.struct != b.struct


# ----------------------------------------------------------------------------- bytes in


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    t = tokenize("app.py", b"name = 'caf\xe9 \xff\xfe'\nvalue = 1\n")
    assert not t.fallback
    assert t.struct == ["$id", "=", "$str", "$id", "=", "$num"]
    assert "\ufffd" in t.lit[2]
    assert t.lines == [1, 1, 1, 2, 2, 2]


def test_crlf_and_cr_line_endings_match_lf() -> None:
    lf = ORIGINAL["app.py"]
    a = tokenize("app.py", lf.encode())
    for ending in ("\r\n", "\r"):
        b = tokenize("app.py", lf.replace("\n", ending).encode())
        assert (b.struct, b.lit, b.lines, b.n_lines) == (a.struct, a.lit, a.lines, a.n_lines)
        assert [(u.start_line, u.end_line) for u in b.units] == [(u.start_line, u.end_line) for u in a.units]


def test_bom_is_dropped() -> None:
    for name in ("app.py", "ci.yml", "main.tf"):
        a = tokenize(name, ORIGINAL[name].encode())
        b = tokenize(name, b"\xef\xbb\xbf" + ORIGINAL[name].encode())
        assert (b.struct, b.lit, b.lines) == (a.struct, a.lit, a.lines)
    assert decode(b"\xef\xbb\xbfx\r\ny") == "x\ny"


def test_heavy_syntax_errors_fall_back_to_the_text_lexer() -> None:
    broken = b"def (:\n  ))) ]]] if if if\nclass {{{ return\n  x = = = 'unterminated\n"
    t = tokenize("broken.py", broken)
    assert t.fallback and t.language == "python"
    assert t.struct and t.units == []
    assert set(t.lines) == {1, 2, 3, 4}


def test_a_small_error_stays_within_the_budget() -> None:
    source = ORIGINAL["app.py"] + "\n\ndef helper(x):\n    return x +\n" + ORIGINAL["app.py"].replace("fetch", "get")
    t = tokenize("app.py", source.encode())
    assert not t.fallback
    assert "fetch_orders" in t.lit and "get_orders" in t.lit


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", b"# only a comment\n\n# another\n"])
def test_empty_or_comment_only_file_yields_no_tokens(data: bytes) -> None:
    for name in ("a.py", "a.sh", "a.yml", "a.tf", "Dockerfile", "notes.unknown", ".env", "a.ini"):
        t = tokenize(name, data)
        assert (t.struct, t.lit, t.lines, t.units) == ([], [], [], []), name


def test_random_bytes_never_crash_and_lines_stay_ordered() -> None:
    rng = random.Random(7)
    alphabet = b"abcxyz_019 \t\n\r{}[]()<>:;,.=+-*/\\\"'`#$@!?|&%^~\xff\xc3\xa9"
    for spec in all_specs():
        for _ in range(12):
            data = bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 400)))
            t = tokenize("x", data, spec)
            assert len(t.struct) == len(t.lit) == len(t.lines)
            assert t.lines == sorted(t.lines), spec.name
            assert all(1 <= n <= max(1, t.n_lines) for n in t.lines), spec.name
            for u in t.units:
                assert 0 <= u.start < u.end <= len(t.struct) and u.start_line <= u.end_line <= t.n_lines


# ----------------------------------------------------------------------------- unit line spans


def test_a_unit_at_the_end_of_a_yaml_file_ends_on_its_last_line() -> None:
    text = "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
    t = tokenize("ci.yml", text.encode())
    assert t.n_lines == 5
    assert [(u.kind, u.name, u.start_line, u.end_line) for u in t.units] == [
        ("job", "build", 2, 5), ("step", "", 5, 5),
    ]


def test_a_trailing_comment_is_not_part_of_the_unit() -> None:
    text = "steps:\n  - uses: actions/checkout@v4\n  # next: the tests\n  - run: make test\n"
    t = tokenize("action.yml", text.encode())
    assert [(u.start_line, u.end_line) for u in t.units] == [(2, 2), (4, 4)]
    t = tokenize("a.py", b"class A:\n    def f(self):\n        return 1\n        # later\n\n# top\nx = 1\n")
    assert [(u.name, u.start_line, u.end_line) for u in t.units] == [("A", 1, 3), ("f", 2, 3)]


def test_units_nest_in_token_order() -> None:
    t = tokenize("app.js", b"class A {\n  m() {\n    return 1;\n  }\n}\nfunction g() {\n  return 2;\n}\n")
    assert [(u.kind, u.name, u.start_line, u.end_line) for u in t.units] == [
        ("class", "A", 1, 5), ("method", "m", 2, 4), ("function", "g", 6, 8),
    ]
    assert t.units[0].start <= t.units[1].start < t.units[1].end <= t.units[0].end <= t.units[2].start


def test_language_override() -> None:
    spec = by_name("bash")
    assert spec is not None
    t = tokenize("deploy", b"gcloud run deploy api --region us-east1\n", spec)
    # lower-case words read as (sub)commands and are kept; region-like values are not
    assert t.language == "bash" and t.struct == ["gcloud", "run", "deploy", "api", "--region", "$word"]
    assert tokenize("deploy", b"gcloud run deploy api\n").language == "text"


def test_tokenize_text_counts_lines() -> None:
    t = tokenize_text("notes.unknown", "first line\n\nthird\n")
    assert t.fallback and t.language == "text" and t.n_lines == 3 and t.lines == [1, 1, 3]


# ----------------------------------------------------------------------------- side effects


def test_the_grammar_warning_is_silenced_where_a_language_is_built_and_nowhere_else() -> None:
    """tree-sitter-dockerfile hands over its language as an int pointer, which tree-sitter deprecates:
    that one warning is ignored while the Language is built; importing or using the parser changes no
    global warning filter (DeprecationWarnings are errors in this child process)."""
    script = (
        "import warnings\n"
        "import numpy, tree_sitter\n"  # numpy installs filters of its own
        "before = list(warnings.filters)\n"
        "from pattern_miner.parse import tokenize\n"
        "imported = list(warnings.filters) == before\n"
        "t = tokenize('Dockerfile', b'FROM python:3.12\\nRUN pip install x\\n')\n"
        "print(imported, list(warnings.filters) == before, t.language, t.fallback)\n"
    )
    proc = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-c", script],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-500:]
    assert proc.stdout.split() == ["True", "True", "dockerfile", "False"]


# ----------------------------------------------------------------------------- grammar crash guard

# Inputs that crash tree-sitter-yaml 0.7.2 / tree-sitter-python 0.25.0 (an out-of-bounds write when the
# scanner's indentation stack outgrows its 1 KiB state): each must come out line by line, not kill the process.
CRASHERS = {
    "yaml: 256 nested mappings": ("a.yml", "''.join(' ' * i + 'a:\\n' for i in range(256))"),
    "yaml: 300 nested sequences": ("a.yml", "''.join(' ' * (2 * i) + '-\\n' for i in range(300))"),
    "yaml: 300 compact sequences on one line": ("a.yml", "'- ' * 300 + 'a\\n'"),
    "yaml: 300 explicit keys on one line": ("a.yml", "'? ' * 300 + 'a\\n'"),
    "yaml: 300 anchored levels": ("a.yml", "''.join(' ' * i + '- &a\\n' for i in range(300))"),
    "python: 600 levels and an open string": (
        "a.py", "''.join(' ' * i + 'if 1:\\n' for i in range(600)) + ' ' * 600 + chr(39) + 'a' + chr(39)"),
    "python: 600 tab levels and an open f-string": (
        "a.py", "''.join(chr(9) * i + 'if 1:\\n' for i in range(600)) + chr(9) * 600 + 'f\"{' * 10"),
}


def test_nesting_that_crashes_a_grammar_is_lexed_line_by_line() -> None:
    """Run in a child process: a regression would be a segfault, which must fail this test, not pytest."""
    script = (
        "import sys\nfrom pattern_miner.parse import tokenize\n"
        "for name, expr in " + repr(list(CRASHERS.values())) + ":\n"
        "    t = tokenize(name, eval(expr).encode())\n"
        "    print(t.language, t.fallback, len(t.struct) > 0, flush=True)\n"
    )
    proc = subprocess.run([sys.executable, "-W", "ignore", "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-500:]}"
    lines = proc.stdout.splitlines()
    assert len(lines) == len(CRASHERS)
    for (name, (path, _)), line in zip(CRASHERS.items(), lines, strict=True):
        assert line == f"{'yaml' if path.endswith('.yml') else 'python'} True True", name


def test_ordinary_nesting_is_still_parsed() -> None:
    yaml_text = "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "v: 1\n"
    assert not tokenize("a.yml", yaml_text.encode()).fallback
    py_text = "".join("    " * i + "if x:\n" for i in range(40)) + "    " * 40 + "pass\n"
    assert not tokenize("a.py", py_text.encode()).fallback
    # other grammars have no such limit: deep indentation is just whitespace to them
    assert not tokenize("a.js", (" " * 1000 + "x = 1;\n").encode()).fallback


@pytest.mark.parametrize(
    ("text", "deep"),
    [("a:\n  b:\n", False), (" " * 200 + "x\n", False), (" " * 201 + "x\n", True), ("- " * 100 + "x", False),
     ("- " * 101 + "x", True), ("x\n" + "\t" * 201 + "y", True), ("x = '" + " " * 500 + "'\n", False)],
)
def test_too_deep(text: str, deep: bool) -> None:
    assert too_deep(text, 200) is deep


# ----------------------------------------------------------------------------- bounded work


def test_lexical_items_never_undercount_the_tokens() -> None:
    """The count that decides "too-many-tokens" before parsing is an upper bound on what is compared."""
    rng = random.Random(7)
    alphabet = ["a", "Z9", "_x", " ", "\n", "\t", '"', "'", "\\", "$", "-", "/", "{", "}", "&&", "é", "→", "😀",
                "\x01", "\x1f", "#", "0x1F", "1.5e3"]
    samples = [text.encode() for text in ORIGINAL.values()] + [b"\xff\xfe\x80\x80 x \xc3", b"", b"   \n\n"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 400))).encode() for _ in range(120)]
    names = ["app.py", "app.js", "main.go", "deploy.sh", "ci.yml", "main.tf", "Dockerfile", "x.json", "notes"]
    for data in samples:
        for name in names:
            assert lexical_items(data) >= len(tokenize(name, data).struct), (name, data)
    assert lexical_items(b"ab_1 cd\t-->") == 5
    assert lexical_items(b"x" * 3_000_000) == 1  # one word across the counting chunks
    assert lexical_items(b"a," * 2_000_000, stop=10) < 2_000_000  # stops counting past `stop`


def test_too_deep_answers_as_the_exact_pattern_does() -> None:
    """``too_deep`` screens with a faster pattern first; on text made of indentation characters, indicators
    and newlines its answer is the exact pattern's."""
    import random
    import re

    rng = random.Random(7)
    for limit in (3, 8):
        exact = re.compile(r"\n(?:[ \t]|[-?:](?=[ \t])){" + str(limit + 1) + "}")
        for _ in range(3000):
            text = "".join(rng.choice(" \t-?:x\n") for _ in range(rng.randint(0, 40)))
            expected = exact.search(text) is not None or exact.match("\n" + text[:limit + 2]) is not None
            assert too_deep(text, limit) is expected, (text, limit)
