"""Semantic candidate groups built around pairs, the judge's requests in the run's model usage, and an
opportunity id that stays when a variant comes or goes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anthropic
import pytest

from pattern_miner.advise.pricing import default_model
from pattern_miner.advise.settings import ModelUsage
from pattern_miner.semantic.candidates import GROUP_SIZE, pair_groups
from pattern_miner.semantic.judge import Judge
from pattern_miner.semantic.profiles import UnitRef
from pattern_miner.semantic.prompt import UnitText
from pattern_miner.semantic.report import stable_id
from tests.fakes.anthropic import FakeAnthropic, verdict_reply

# ----------------------------------------------------------------------------- groups around pairs


def test_a_pair_group_takes_the_units_linked_to_either_of_its_two() -> None:
    # 2 is linked to 1 only: a star around 0 (its best partner per repository) never held 0, 1 and 2 at once
    pairs = [(0, 1, 3.0), (1, 2, 1.0), (0, 3, 0.5)]
    groups = pair_groups(pairs, repos=[0, 1, 2, 3])
    score, members, scores = groups[0]
    assert members[:2] == (0, 1) and set(members) == {0, 1, 2, 3}
    assert scores == (3.0, 1.0, 0.5)
    assert score == pytest.approx(3.0 + 0.5 * (1.0 + 0.5))
    assert len(groups) == 1  # every other pair is held by that group: no call is spent on it again


def test_a_pair_that_a_better_group_left_apart_gets_its_own_group() -> None:
    # 1 and 2 are in one repository: the group of (0, 1) cannot hold 2, so (0, 2) is asked about on its own
    pairs = [(0, 1, 3.0), (0, 2, 2.0), (1, 3, 0.4)]
    groups = pair_groups(pairs, repos=[0, 1, 1, 3])
    assert [g[1][:2] for g in groups] == [(0, 1), (0, 2)]
    assert 2 not in groups[0][1] and groups[1][1] == (0, 2)  # 3 is linked to 1 alone


def test_the_units_linked_to_more_members_join_first_and_copies_never_join() -> None:
    pairs = [(0, 1, 3.0)] + [(0, c, 0.5) for c in range(2, 12)] + [(1, 5, 0.5), (1, 7, 0.4)]
    groups = pair_groups(pairs, repos=list(range(12)), copied=lambda a, b: {a, b} == {5, 9})
    members = groups[0][1]
    assert len(members) == GROUP_SIZE
    assert members[:4] == (0, 1, 5, 7)  # 5 and 7 are linked to both of the pair
    assert 9 not in members  # a copy of a member is no other variant


# ----------------------------------------------------------------------------- a stable id


def unit(repo: int, name: str, *elements: str) -> UnitRef:
    return UnitRef(repo, 0, "function", name, 0, 10, 1, 10, frozenset(elements), f"digest-{repo}-{name}")


RETRY = ("http:429", "trait:sleep-in-loop", "trait:growing-delay", "meth:raise_for_status")


def test_the_id_stays_when_a_variant_joins_or_leaves() -> None:
    a = unit(0, "request_with_retry", *RETRY, "api:requests.request", "word:retry")
    b = unit(1, "post_json_with_backoff", *RETRY, "api:httpx.Client", "word:backoff")
    c = unit(2, "fetch_url", "http:429", "trait:sleep-in-loop", "api:urllib.request.urlopen", "word:fetch")
    two, three = stable_id([a, b]), stable_id([a, b, c])
    assert two == three == stable_id([c, b, a])  # the third variant shares nothing new with two others
    moved = unit(5, "renamed_elsewhere", *RETRY, "api:requests.request")
    assert stable_id([moved, b]) == two  # places and names do not count
    other = unit(3, "load_settings", "env:DATABASE_URL", "env:PORT", "api:os.environ.get")
    assert stable_id([other, unit(4, "cfg", "env:DATABASE_URL", "env:PORT")]) != two
    assert two.startswith("sem-") and len(two) == 16


def test_two_jobs_that_share_only_common_vocabulary_get_different_ids() -> None:
    from pattern_miner.semantic.profiles import Rarity

    common = ("api:json.loads", "api:os.environ.get", "trait:try-catch", "http:200", "api:logging.getLogger")
    upload = [unit(r, "upload", *common, "api:boto3.client", "cmd:aws s3 cp", "env:BUCKET_NAME") for r in (0, 1)]
    notify = [unit(r, "notify", *common, "host:hooks.slack.com", "env:SLACK_WEBHOOK_URL", "hdr:x-slack-signature")
              for r in (2, 3)]
    # a scan in which the common vocabulary is everywhere and each job's own elements are rare
    background = [unit(10 + r, f"other{r}", *common[:4], f"env:OTHER_{r}") for r in range(200)]
    rarity = Rarity(upload + notify + background)
    assert stable_id(upload, rarity) != stable_id(notify, rarity)
    assert stable_id(upload[::-1], rarity) == stable_id(upload, rarity)


def test_the_id_ignores_words_of_names() -> None:
    a = unit(0, "x", *RETRY, "word:retry")
    b = unit(1, "y", *RETRY, "word:retry")
    assert stable_id([a, b]) == stable_id([unit(0, "x", *RETRY, "word:again"), unit(1, "y", *RETRY, "word:again")])


# ----------------------------------------------------------------------------- the judge's usage


@pytest.fixture
def api() -> Any:
    with FakeAnthropic() as fake:
        yield fake


def test_the_judges_requests_are_counted_in_the_model_usage(api: FakeAnthropic, tmp_path: Path) -> None:
    api.responder = lambda request: verdict_reply(True, "HTTP retry with backoff", [1, 2])
    client = anthropic.Anthropic(api_key=api.api_key, base_url=api.base_url, max_retries=0)
    judge = Judge(client, default_model(), cache_dir=tmp_path, max_calls=1)
    units = [UnitText("o/a f.py:1-3", "python", "def f():\n    pass\n"),
             UnitText("o/b g.py:1-3", "python", "def g():\n    pass\n")]
    assert judge.judge(units, ["d1", "d2"]) is not None
    assert judge.judge(units, ["d1", "d2"]) is not None  # from the cache
    assert judge.judge(units, ["d3", "d4"]) is None  # over max_calls
    usage = judge.usage
    assert (usage.requests, usage.cache_hits, usage.calls_skipped_budget) == (1, 1, 1)
    assert usage.input_tokens > 0 and usage.output_tokens > 0 and usage.estimated_cost_usd > 0
    run = ModelUsage(model=default_model(), requests=2, input_tokens=10)
    run.absorb(usage)
    assert run.requests == 3 and run.input_tokens == 10 + usage.input_tokens and run.cache_hits == 1
    assert "3 model requests" in run.describe()


def test_a_twin_of_a_member_asks_no_new_question() -> None:
    # 1 and 2 are copies (one template's files): each pairs with 0, but only one of the two can join its group
    pairs = [(0, 1, 3.0), (0, 2, 2.5)]
    copied = lambda a, b: {a, b} == {1, 2}  # noqa: E731
    assert [g[1] for g in pair_groups(pairs, [0, 1, 2], copied)] == [(0, 1), (0, 2)]
    assert [g[1] for g in pair_groups(pairs, [0, 1, 2], copied, twins={(1, 2), (2, 1)})] == [(0, 1)]


def test_scored_pairs_are_every_pair_sharing_rare_elements_whatever_the_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The index makes all pairs of each posting list in one numpy pass (in chunks): the same pairs and scores
    as the definition, pair by pair."""
    import math
    import random

    from pattern_miner.semantic import candidates
    from pattern_miner.semantic.profiles import Rarity

    rng = random.Random(7)
    vocabulary = [f"api:lib{i}.call" for i in range(60)] + [f"env:NAME_{i}" for i in range(40)]
    units = [unit(rng.randrange(6), f"u{i}", *rng.sample(vocabulary, rng.randrange(3, 9))) for i in range(120)]
    rarity = Rarity(units)
    totals = [sum(rarity.weight(e) for e in sorted(u.elements)) for u in units]
    limit = min(candidates.MAX_POSTING, max(candidates.MIN_RARE_UNITS, int(candidates.RARE_SHARE * len(units))))
    expected = {}
    for a in range(len(units)):
        for b in range(a + 1, len(units)):
            if units[a].repo == units[b].repo:
                continue
            shared = sum(rarity.weight(e) for e in sorted(units[a].elements & units[b].elements)
                         if rarity.df[e] <= limit and rarity.weight(e) > 0)
            score = candidates.pair_score(shared, totals[a], totals[b])
            if shared and score >= candidates.MIN_PAIR_SCORE:
                expected[(a, b)] = score
    for chunk in (1_000_000, 5):
        monkeypatch.setattr(candidates, "CHUNK_PAIRS", chunk)
        found = {(a, b): s for a, b, s in candidates.scored_pairs(units, rarity, totals)}
        assert found.keys() == expected.keys() and expected
        assert all(math.isclose(found[k], expected[k], rel_tol=1e-12) for k in expected)
