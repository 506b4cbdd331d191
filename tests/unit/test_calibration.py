"""2PL calibration by EM (rules/calibration.py) on simulated responses with
planted parameters, and mean/sigma linking."""

from __future__ import annotations

import math

import numpy as np
import pytest

from skillgap.rules import calibration, irt

TAGS = ("entry", "intermediate", "advanced")


def planted(seed, people=2000, items=40):
    rng = np.random.default_rng(seed)
    tags = [TAGS[i % 3] for i in range(items)]
    a = np.exp(rng.normal(math.log(1.2), 0.25, items))
    b = np.array([rng.normal(irt.PRIOR_B[tag], 0.5) for tag in tags])
    theta = rng.normal(0.0, 1.0, people)
    p = irt.p_correct(a[None, :], b[None, :], theta[:, None])
    u = (rng.random(p.shape) < p).astype(float)
    priors = [irt.prior_parameters(tag) for tag in tags]
    return a, b, u, [x for x, _ in priors], [y for _, y in priors], rng


def estimates(items):
    return np.array([i.a for i in items]), np.array([i.b for i in items])


def test_recovers_planted_parameters_from_full_responses():
    a, b, u, prior_a, prior_b, _ = planted(1)
    items = calibration.calibrate(u, prior_a, prior_b)
    est_a, est_b = estimates(items)
    assert np.corrcoef(a, est_a)[0, 1] > 0.8
    assert np.corrcoef(b, est_b)[0, 1] > 0.95
    assert np.sqrt(np.mean((b - est_b) ** 2)) < 0.2
    assert all(i.calibrated and i.responses == 2000 for i in items)
    assert not any(i.flagged for i in items)


def test_recovers_from_sparse_responses():
    a, b, u, prior_a, prior_b, rng = planted(2, people=3000)
    u[rng.random(u.shape) < 0.6] = np.nan  # each person saw about 16 of 40 items
    items = calibration.calibrate(u, prior_a, prior_b)
    est_a, est_b = estimates(items)
    assert np.corrcoef(a, est_a)[0, 1] > 0.8
    assert np.corrcoef(b, est_b)[0, 1] > 0.95
    assert all(i.responses == int(np.sum(~np.isnan(u[:, k]))) for k, i in enumerate(items))


def test_items_with_few_responses_keep_their_priors():
    _, _, u, prior_a, prior_b, _ = planted(3, people=1000)
    u[50:, :5] = np.nan  # the first five items answered by 50 people only
    items = calibration.calibrate(u, prior_a, prior_b, min_responses=200)
    for k in range(5):
        assert (items[k].a, items[k].b) == (prior_a[k], prior_b[k])
        assert not items[k].calibrated and items[k].responses == 50
        assert not items[k].flagged
    assert all(i.calibrated for i in items[5:])


def test_no_responses_at_all_keeps_every_prior():
    u = np.full((10, 3), np.nan)
    items = calibration.calibrate(u, [1.0, 1.0, 1.0], [-1.0, 0.0, 1.0])
    assert [(i.a, i.b, i.calibrated) for i in items] == [
        (1.0, -1.0, False),
        (1.0, 0.0, False),
        (1.0, 1.0, False),
    ]


def test_a_non_discriminating_item_is_flagged():
    _, _, u, prior_a, prior_b, rng = planted(4, people=2000, items=20)
    u[:, 0] = (rng.random(len(u)) < 0.5).astype(float)  # answered at random
    items = calibration.calibrate(u, prior_a, prior_b)
    assert items[0].a < calibration.MIN_A
    assert items[0].flagged
    assert not any(i.flagged for i in items[1:])


def test_mean_sigma_recovers_a_planted_linear_shift():
    rng = np.random.default_rng(5)
    old_a = np.exp(rng.normal(0.2, 0.25, 15))
    old_b = rng.normal(0.0, 1.0, 15)
    # The same items on a new scale theta_new = (theta_old - 0.4) / 1.3.
    new_b = (old_b - 0.4) / 1.3
    new_a = old_a * 1.3
    constants = calibration.mean_sigma(old_b, new_b)
    assert constants == pytest.approx((1.3, 0.4))
    linked_a, linked_b = calibration.link(new_a, new_b, constants)
    assert linked_a == pytest.approx(old_a)
    assert linked_b == pytest.approx(old_b)


def test_mean_sigma_needs_two_distinct_items():
    assert calibration.mean_sigma([0.5], [0.1]) == (1.0, 0.0)
    assert calibration.mean_sigma([0.5, 0.7], [0.1, 0.1]) == (1.0, 0.0)
