"""Everything Pattern Miner writes for people to read on GitHub: issue titles and bodies, comments, the
job summary, the hidden marker, and the Markdown safety they all share.

    markdown    untrusted text (repository files, model output) as safe Markdown: the one sanitizer
    marker      the hidden marker that keys an issue to its pattern and carries state between runs
    templates   the Jinja templates, packaged and user-overridable
    issue       render_issue: a pattern and its recommendation as an issue title and body
    summary     render_summary: the run as the job summary ($GITHUB_STEP_SUMMARY)

``publish`` uses this package; nothing here imports ``publish``.
"""

from __future__ import annotations

from pattern_miner.render.issue import BODY_LIMIT, PRIVATE_LABEL, RenderedIssue, render_issue
from pattern_miner.render.templates import Templates

__all__ = ["BODY_LIMIT", "PRIVATE_LABEL", "RenderedIssue", "Templates", "render_issue"]
