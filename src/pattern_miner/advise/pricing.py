"""Which model to use by default, and what its tokens cost.

The default model is read from the pinned SDK's ``anthropic.types.Model`` literal: the Sonnet with the
highest version number, preferring the undated alias (``claude-sonnet-5-5`` over a dated snapshot).

Prices are USD per million tokens, from platform.claude.com/docs/en/about-claude/pricing and the model
pages (checked against anthropic 2.12.0's model list):

| model                               | input | output | 5m cache write | cache read |
| ----------------------------------- | ----- | ------ | -------------- | ---------- |
| claude-sonnet-5-5                   |  2.00 |  10.00 |           2.50 |       0.10 |
| claude-sonnet-5                     |  2.00 |  10.00 |           2.50 |       0.20 |
| claude-sonnet-4-6, claude-sonnet-4-5|  3.00 |  15.00 |           3.75 |       0.30 |
| claude-opus-5-5                     |  4.00 |  20.00 |           5.00 |       0.20 |
| claude-opus-5, 4-8, 4-7, 4-6, 4-5   |  5.00 |  25.00 |           6.25 |       0.50 |
| claude-haiku-5-5 (prompt <= 100k)   |  0.10 |   0.50 |          0.125 |       0.01 |
| claude-haiku-4-5                    |  1.00 |   5.00 |           1.25 |       0.10 |
| claude-fable-5-1, claude-mythos-5-1 | 10.00 |  50.00 |          12.50 |       0.25 |
| claude-fable-5, claude-mythos-5     | 10.00 |  50.00 |          12.50 |       1.00 |

A model not in the table (a newer one, or a gateway alias) is priced by its family (fable/mythos,
opus, sonnet, haiku: the family's newest row); anything else at Sonnet rates, flagged ``estimated``.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Price:
    input: float
    output: float
    cache_write: float
    cache_read: float

    def cost(self, input_tokens: int, output_tokens: int, cache_write_tokens: int, cache_read_tokens: int) -> float:
        return (
            input_tokens * self.input
            + output_tokens * self.output
            + cache_write_tokens * self.cache_write
            + cache_read_tokens * self.cache_read
        ) / 1_000_000


_SONNET_5 = Price(2.00, 10.00, 2.50, 0.20)
_SONNET_4 = Price(3.00, 15.00, 3.75, 0.30)
_OPUS_4_5 = Price(5.00, 25.00, 6.25, 0.50)
_FRONTIER_5_1 = Price(10.00, 50.00, 12.50, 0.25)

PRICES: dict[str, Price] = {
    "claude-sonnet-5-5": Price(2.00, 10.00, 2.50, 0.10),
    "claude-sonnet-5": _SONNET_5,
    "claude-sonnet-4-6": _SONNET_4,
    "claude-sonnet-4-5": _SONNET_4,
    "claude-opus-5-5": Price(4.00, 20.00, 5.00, 0.20),
    "claude-opus-5": _OPUS_4_5,
    "claude-opus-4-8": _OPUS_4_5,
    "claude-opus-4-7": _OPUS_4_5,
    "claude-opus-4-6": _OPUS_4_5,
    "claude-opus-4-5": _OPUS_4_5,
    "claude-haiku-5-5": Price(0.10, 0.50, 0.125, 0.01),
    "claude-haiku-4-5": Price(1.00, 5.00, 1.25, 0.10),
    "claude-fable-5-1": _FRONTIER_5_1,
    "claude-mythos-5-1": _FRONTIER_5_1,
    "claude-fable-5": Price(10.00, 50.00, 12.50, 1.00),
    "claude-mythos-5": Price(10.00, 50.00, 12.50, 1.00),
}
_FAMILY = {
    "fable": _FRONTIER_5_1,
    "mythos": _FRONTIER_5_1,
    "opus": PRICES["claude-opus-5-5"],
    "sonnet": PRICES["claude-sonnet-5-5"],
    "haiku": PRICES["claude-haiku-5-5"],
}
_DATED = re.compile(r"-\d{8}$")


def price_for(model: str) -> tuple[Price, bool]:
    """The price of ``model`` and whether it is exact (False: estimated from its family)."""
    name = _DATED.sub("", model.strip().lower())
    if name in PRICES:
        return PRICES[name], True
    for family, price in _FAMILY.items():
        if family in name:
            return price, False
    return PRICES["claude-sonnet-5-5"], False


def sdk_models() -> tuple[str, ...]:
    """Every model name in the pinned SDK's ``Model`` literal, in the SDK's order."""
    import anthropic.types  # here, not at the top: importing the SDK takes seconds, and offline runs never need it

    names: list[str] = []
    for arg in typing.get_args(anthropic.types.Model):
        names.extend(a for a in typing.get_args(arg) if isinstance(a, str))
    return tuple(names)


def _sonnet_version(name: str) -> tuple[tuple[int, ...], int] | None:
    match = re.fullmatch(r"claude-sonnet-(\d+(?:-\d{1,2})*)(-\d{8})?", name)
    if not match:
        return None
    version = tuple(int(part) for part in match.group(1).split("-"))
    return version, 0 if match.group(2) else 1  # undated alias sorts above its dated snapshot


def newest_sonnet(models: tuple[str, ...] | None = None) -> str:
    candidates = [(key, name) for name in (models or sdk_models()) if (key := _sonnet_version(name))]
    if not candidates:
        raise RuntimeError("the anthropic SDK lists no Sonnet model")
    return max(candidates)[1]


@cache
def default_model() -> str:
    """The newest Sonnet the pinned SDK knows: what Claude is asked when no model is configured."""
    return newest_sonnet()


def __getattr__(name: str) -> str:  # DEFAULT_MODEL, computed on first use (it imports the SDK)
    if name == "DEFAULT_MODEL":
        return default_model()
    raise AttributeError(name)
