"""Sources: where repository snapshots come from (the ``Source`` protocol of ``pattern_miner.model``).

- ``local``: directories and git checkouts on disk (``LocalSource``, ``repos_from_paths``, ``repos_from_root``)
- ``github``: the GitHub API through PyGithub (``GitHubSource``)
"""

from __future__ import annotations
