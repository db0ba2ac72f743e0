"""Exceptions.

PatternMinerError            base: a message fit to show the user in one line
├── ConfigError              config/repositories.json is missing, not JSON, or invalid
├── SourceError              a repository or directory cannot be read at all
└── UsageError               the command line asks for something impossible
"""

from __future__ import annotations


class PatternMinerError(Exception):
    """An error with a message fit to show the user in one line."""


class ConfigError(PatternMinerError):
    pass


class SourceError(PatternMinerError):
    pass


class UsageError(PatternMinerError):
    pass
