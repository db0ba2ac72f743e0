"""Pattern Miner: finds code and configuration copied across repositories."""

from __future__ import annotations

__version__ = "1.0.0"

__all__ = ["__version__"]
