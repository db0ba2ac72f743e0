"""Exceptions.

PatternMinerError            base: a message fit to show the user in one line
├── ConfigError              config/repositories.json is missing, not JSON, or invalid
├── SourceError              nothing can be read: a rejected token, an unreachable API, no repository scanned
├── PublishError             the issue repository cannot hold issues (not found, issues disabled, no access)
└── UsageError               the command line, the Action's inputs or a filter ask for something impossible
"""

from __future__ import annotations


class PatternMinerError(Exception):
    """An error with a message fit to show the user in one line."""


class ConfigError(PatternMinerError):
    pass


class SourceError(PatternMinerError):
    pass


class PublishError(PatternMinerError):
    pass


class UsageError(PatternMinerError):
    pass
