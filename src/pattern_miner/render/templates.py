"""The Jinja templates of issues, comments and the job summary: packaged in ``pattern_miner/templates``,
overridable file by file from a directory of the user's (``template-dir``).

Templates only ever see already-sanitized Markdown strings (``render.markdown``): a user's own template
cannot pass raw file content or model text through.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2


class Templates:
    """The packaged templates, overridden file by file from ``directory`` when given."""

    def __init__(self, directory: str | Path | None = None) -> None:
        loaders: list[jinja2.BaseLoader] = []
        if directory:
            loaders.append(jinja2.FileSystemLoader(str(directory)))
        loaders.append(jinja2.PackageLoader("pattern_miner", "templates"))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=False,  # values are sanitized Markdown already; HTML escaping would garble code
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)
