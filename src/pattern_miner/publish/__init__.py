"""Publishing: issues ensured by a hidden marker, the job summary, privacy rules, safe Markdown."""

from __future__ import annotations
