"""Runner plumbing: inputs as the runner passes them, $GITHUB_OUTPUT, the summary, workflow commands."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from pattern_miner import actions


def parse_output_file(text: str) -> dict[str, str]:
    """Read $GITHUB_OUTPUT the way the runner does: ``name<<DELIM`` … ``DELIM`` or ``name=value``."""
    out: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line:
            name, delim = line.split("<<", 1)
            end = lines.index(delim, i + 1)
            out[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
            i += 1
        else:
            i += 1
    return out


def test_input_names_keep_hyphens() -> None:
    assert actions.input_key("github-token") == "INPUT_GITHUB-TOKEN"
    assert actions.input_key("my input") == "INPUT_MY_INPUT"


def test_set_output_uses_delimiter_syntax(tmp_path: Path) -> None:
    out = tmp_path / "output"
    env = {"GITHUB_OUTPUT": str(out)}
    assert actions.set_output("count", 3, env=env)
    assert actions.set_output("body", "line 1\nname=evil\nline 3", env=env)
    text = out.read_text()
    assert re.match(r"count<<ghadelimiter_[0-9a-f-]{36}\n3\nghadelimiter_", text)
    assert parse_output_file(text) == {"count": "3", "body": "line 1\nname=evil\nline 3"}
    assert actions.set_output("x", 1, env={}) is False


def test_append_summary_appends_and_caps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "summary.md"
    env = {"GITHUB_STEP_SUMMARY": str(path)}
    actions.append_summary("# one", env=env)
    actions.append_summary("two\n", env=env)
    assert path.read_text() == "# one\ntwo\n"
    monkeypatch.setattr(actions, "SUMMARY_LIMIT", 1000)
    actions.append_summary("x" * 50 + "\n" + "y" * 2000, env=env)
    text = path.read_text()
    assert len(text.encode()) <= 1000 and "truncated" in text and "yyy" not in text
    assert actions.append_summary("z", env={}) is False


def test_workflow_commands_escape_data_and_properties() -> None:
    out = io.StringIO()
    actions.warning("50% done\r\nnext", file="a,b:c.py", line=3, out=out)
    actions.error("bad", out=out)
    actions.notice("fyi", out=out)
    actions.add_mask("s3cr3t\nline2", out=out)
    with actions.group("Scan", out=out):
        out.write("inside\n")
    assert out.getvalue().splitlines() == [
        "::warning file=a%2Cb%3Ac.py,line=3::50%25 done%0D%0Anext",
        "::error::bad",
        "::notice::fyi",
        "::add-mask::s3cr3t",
        "::add-mask::line2",
        "::group::Scan",
        "inside",
        "::endgroup::",
    ]


def test_actions_console_turns_warnings_into_annotations() -> None:
    out = io.StringIO()
    console = actions.ActionsConsole(out=out)
    console.warn("repo acme/x: 404")
    console.error("broken")
    console.info("progress")
    assert out.getvalue().splitlines() == ["::warning::repo acme/x: 404", "::error::broken", "progress"]
    assert console.warnings == ["repo acme/x: 404"]
