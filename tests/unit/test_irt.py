"""The IRT engine's numerical core (rules/irt.py) on constructed data."""

from __future__ import annotations

import math

import numpy as np
import pytest

from skillgap.rules import irt

MIN_PERCENTS = (0, 60, 75, 90)
TAGS = ("entry", "intermediate", "advanced")


def bank(seed=0, size=40):
    rng = np.random.default_rng(seed)
    tags = [TAGS[i % 3] for i in range(size)]
    a = np.exp(rng.normal(math.log(1.2), 0.25, size))
    b = np.array([rng.normal(irt.PRIOR_B[tag], 0.5) for tag in tags])
    return a, b, tags


def test_probability_and_information_by_hand():
    assert float(irt.p_correct(1.0, 0.0, 0.0)) == pytest.approx(0.5)
    assert float(irt.information(1.0, 0.0, 0.0)) == pytest.approx(0.25)
    p = 1.0 / (1.0 + math.exp(-2.0 * (1.0 - 0.5)))
    assert float(irt.p_correct(2.0, 0.5, 1.0)) == pytest.approx(p)
    assert float(irt.information(2.0, 0.5, 1.0)) == pytest.approx(4.0 * p * (1.0 - p))


def test_posterior_of_one_right_answer_matches_grid_sums():
    weights = irt.posterior([1.0], [0.0], [1.0])
    raw = [math.exp(-0.5 * t * t) / (1.0 + math.exp(-t)) for t in irt.GRID]
    total = sum(raw)
    assert weights == pytest.approx([r / total for r in raw])
    eap = sum(t * r for t, r in zip(irt.GRID, raw, strict=True)) / total
    assert float((weights * irt.GRID).sum()) == pytest.approx(eap)
    assert eap > 0  # a right answer moves the estimate up
    # No answers: the prior, symmetric about 0.
    assert float((irt.posterior([], [], []) * irt.GRID).sum()) == pytest.approx(0.0, abs=1e-12)


def test_domain_curve_of_a_two_item_bank():
    curve = irt.domain_curve([1.0, 2.0], [0.0, 1.0])
    at = int(np.argmin(np.abs(irt.GRID - 0.0)))
    expected = 100.0 * (0.5 + 1.0 / (1.0 + math.exp(2.0))) / 2.0
    assert curve[at] == pytest.approx(expected)
    assert np.all(np.diff(curve) > 0)


def test_level_of_uses_the_min_percents():
    assert list(irt.level_of(np.array([59.9, 60.0, 75.0, 90.0]), MIN_PERCENTS)) == [0, 1, 2, 3]


def test_estimate_probabilities_sum_to_one_and_interval_contains_eap():
    a, b, _ = bank()
    curve = irt.domain_curve(a, b)
    weights = irt.posterior(a[:6], b[:6], [1, 0, 1, 1, 0, 1])
    result = irt.estimate(weights, curve, MIN_PERCENTS)
    assert sum(result.probabilities) == pytest.approx(1.0)
    assert result.probability == max(result.probabilities)
    assert result.level == int(np.argmax(result.probabilities))
    assert result.low <= result.domain <= result.high
    assert result.se > 0


def run(a, b, tags, answer, rule=None, seed=1):
    rule = rule or irt.Stopping()
    rng = np.random.default_rng(seed)
    curve = irt.domain_curve(a, b)
    used: list[int] = []
    scores: list[float] = []
    while True:
        weights = irt.posterior(a[used], b[used], scores)
        result = irt.estimate(weights, curve, MIN_PERCENTS)
        if irt.finished(weights, curve, MIN_PERCENTS, a, b, used, rule):
            return result, len(used), used
        item = irt.choose_next(a, b, tags, used, result.theta, rng)
        assert item is not None
        used.append(item)
        scores.append(answer(item))


def test_always_right_stops_within_bounds_at_the_top_level():
    a, b, tags = bank()
    result, count, used = run(a, b, tags, lambda item: 1.0)
    assert 5 <= count <= 20
    assert result.level == 3
    assert len(set(used)) == count


def test_always_wrong_stops_within_bounds_at_the_bottom_level():
    a, b, tags = bank()
    result, count, _ = run(a, b, tags, lambda item: 0.0)
    assert 5 <= count <= 20
    assert result.level == 0
    assert result.probability >= 0.95


def test_stopping_rule_bounds():
    rule = irt.Stopping()
    assert (rule.min_items, rule.max_items, rule.certainty) == (5, 20, 0.95)
    assert not irt.should_stop(4, 0.999, rule)
    assert not irt.should_stop(4, 0.5, rule, settled=True)
    assert irt.should_stop(5, 0.95, rule)
    assert not irt.should_stop(19, 0.94, rule)
    assert irt.should_stop(20, 0.3, rule)
    assert irt.should_stop(12, 0.6, rule, settled=True)
    assert not irt.should_stop(12, 0.6, irt.Stopping(curtail=False), settled=True)


def test_curtailment_never_changes_the_reported_level():
    a, b, tags = bank(3)
    curve = irt.domain_curve(a, b)
    rng = np.random.default_rng(5)
    for theta in rng.normal(0.6, 0.5, 30):
        u = (rng.random(len(a)) < irt.p_correct(a, b, theta)).astype(float)
        full, _, used = run(a, b, tags, lambda i, u=u: u[i], irt.Stopping(curtail=False))
        for k in range(5, len(used)):
            weights = irt.posterior(a[used[:k]], b[used[:k]], u[used[:k]])
            free = np.setdiff1d(np.arange(len(a)), used[:k])
            if irt.settled(weights, curve, MIN_PERCENTS, a[free], b[free], 20 - k):
                assert irt.estimate(weights, curve, MIN_PERCENTS).level == full.level


def test_settled_when_no_items_remain_and_not_with_a_flat_posterior():
    a, b, _ = bank()
    curve = irt.domain_curve(a, b)
    prior = irt.posterior([], [], [])
    assert irt.settled(prior, curve, MIN_PERCENTS, a, b, 0)
    assert not irt.settled(prior, curve, MIN_PERCENTS, a, b, 5)


def test_choose_next_skips_used_items_and_takes_the_most_informative():
    a = np.array([1.0, 2.0, 1.5, 0.5])
    b = np.zeros(4)
    tags = ["entry"] * 4
    rng = np.random.default_rng(0)
    assert irt.choose_next(a, b, tags, [], 0.0, rng, top=1) == 1
    assert irt.choose_next(a, b, tags, [1], 0.0, rng, top=1) == 2
    assert irt.choose_next(a, b, tags, [0, 1, 2, 3], 0.0, rng) is None
    drawn = {irt.choose_next(a, b, tags, [], 0.0, rng, top=2) for _ in range(50)}
    assert drawn == {1, 2}  # randomesque among the top two, never the others


def test_choose_next_keeps_the_level_balance():
    a = np.array([2.0, 2.0, 2.0, 0.5])
    b = np.array([0.0, 0.0, 0.0, 3.0])
    tags = ["intermediate", "intermediate", "intermediate", "advanced"]
    rng = np.random.default_rng(0)
    # Two intermediate items asked, none advanced: with slack 1 the advanced
    # item must come next although it is the least informative.
    assert irt.choose_next(a, b, tags, [0, 1], 0.0, rng, top=1, slack=1) == 3
    assert irt.choose_next(a, b, tags, [0, 1], 0.0, rng, top=1, slack=2) == 2


def test_prior_parameters_from_the_level_tag():
    assert irt.prior_parameters("entry") == (irt.PRIOR_A, -1.0)
    assert irt.prior_parameters("advanced") == (irt.PRIOR_A, 1.0)
    assert irt.prior_parameters(None) == (irt.PRIOR_A, 0.0)
