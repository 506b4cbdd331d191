"""The item response model behind the diagnostic (../shared/measurement.md).

Two-parameter logistic (2PL) per skill: P(right | θ) = 1 / (1 + e^(-a(θ - b))).
2PL, not 3PL: with four or five options and all-or-nothing multiple response
the guessing floor is low, and banks of 40 items and a few hundred people
cannot estimate a third parameter stably.

Ability is estimated by EAP on a fixed grid with a standard normal prior (it
never diverges on all-right or all-wrong answers). A person's level is read on
the DMI percent scale: the domain score τ(θ) is the percent they would be
expected to score on the skill's whole bank (the test characteristic curve),
and the level is the highest whose ``min_percent`` τ reaches. Each level is an
interval of θ, so the posterior gives each level's probability.

Administration (measured with bench/adaptive.py, docs in its output):

- Next item: the most informative at the EAP, drawn at random among the 3
  best (randomesque exposure control), with the blueprint's level balance as a
  constraint (a tag may lead the least used tag by at most 3 items). Targeting
  the cut nearest the EAP, the most uncertain cut, posterior-weighted or
  cut-weighted information were tried: none beat information at the EAP by
  more than the noise (+-0.01). Top 3 / slack 3 beat top 5 / slack 2 by about
  0.01 exact on the same banks; top 1 is no better (and exposes items).
- Stopping: never before 5 items; at 20; when the most likely level is 95%
  likely; and (curtailment, ``settled``) when no answers to the remaining
  items up to 20 can change the most likely level. The bound is rigorous: for
  a cut c the log likelihood ratio L(theta)/L(c) of any answers to r items is
  at most the sum of the r largest per-item ratios at each theta, so the
  posterior mass above c after any r answers lies between two re-weighted
  posteriors; the level is settled when its lower bound beats every other
  level's upper bound. It never changes the reported level (tested), and
  saves about 0.3 items per test. It is only tried within 6 items of the
  maximum (CURTAIL_WITHIN), where it can fire.
- The 95% rule cannot be met within 20 items by most people whose true level
  is Entry or Intermediate (those bands are 0.7-1.0 wide in theta, the
  posterior sd after 20 items is about 0.35): they take 20 items, so the mean
  is about 13 and exact accuracy is near the ceiling of EAP on all 40 items.

The engine after each answer, as the app calls it::

    weights = posterior(a[used], b[used], scores)
    result = estimate(weights, curve, min_percents)
    if finished(weights, curve, min_percents, a, b, used, rule): report result
    else: ask choose_next(a, b, levels, used, result.theta, rng)

Pure numpy: no Flask, no database. Scores are 0..1 (a calculated or
multiple-response item is right or wrong).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

GRID: Array = np.linspace(-4.0, 4.0, 161)
LOG_PRIOR: Array = -0.5 * GRID**2  # standard normal, up to a constant

# Curtailment is only tried this close to max_items: further out the bound never
# settles a level the certainty rule has not already (measured), and it costs time.
CURTAIL_WITHIN = 6

# Priors from an item's level tag, before any answers exist (README "Diagnostic").
PRIOR_B = {"entry": -1.0, "intermediate": 0.0, "advanced": 1.0}
# a = 1.5 on this logistic metric (no D = 1.7 scaling) is a = 0.9 on the normal-
# ogive metric, a typical discrimination for a well-written multiple-choice item.
# With a = 1.0, twenty right answers on the level-tag priors could not make
# Advanced (90% domain score) even 60% likely; at 1.5 they make it about 80%.
PRIOR_A = 1.5


@dataclass(frozen=True)
class Stopping:
    min_items: int = 5
    max_items: int = 20
    certainty: float = 0.95  # stop when the most likely level is at least this likely
    curtail: bool = True  # also stop when no remaining answers can change the level


@dataclass(frozen=True)
class Estimate:
    theta: float  # posterior mean (EAP)
    se: float  # posterior standard deviation
    domain: float  # τ at the EAP, percent
    low: float  # 90% interval of τ (posterior 5% and 95% quantiles through τ)
    high: float
    level: int  # index of the most likely level
    probability: float  # its posterior probability
    probabilities: tuple[float, ...]  # every level's, lowest first


def prior_parameters(level: str | None) -> tuple[float, float]:
    """(a, b) for an item nobody has answered yet, from its level tag."""
    return PRIOR_A, PRIOR_B.get(level or "", 0.0)


def p_correct(a: Array | float, b: Array | float, theta: Array | float) -> Array:
    return 1.0 / (1.0 + np.exp(-np.asarray(a) * (np.asarray(theta) - np.asarray(b))))


def information(a: Array | float, b: Array | float, theta: Array | float) -> Array:
    """Fisher information a² P (1 - P) of each item at θ."""
    p = p_correct(a, b, theta)
    return np.asarray(a) ** 2 * p * (1.0 - p)


def log_likelihood(a: Array, b: Array, scores: Array) -> Array:
    """log Π P^u (1 - P)^(1-u) on the grid, for items (a, b) answered with ``scores``."""
    if len(scores) == 0:
        return np.zeros_like(GRID)
    p = np.clip(p_correct(a[:, None], b[:, None], GRID[None, :]), 1e-12, 1 - 1e-12)
    u = scores[:, None]
    return (u * np.log(p) + (1.0 - u) * np.log1p(-p)).sum(axis=0)


def posterior(a: Sequence[float], b: Sequence[float], scores: Sequence[float]) -> Array:
    """Normalised posterior weights on GRID."""
    log_post = LOG_PRIOR + log_likelihood(
        np.asarray(a, dtype=float), np.asarray(b, dtype=float), np.asarray(scores, dtype=float)
    )
    weights = np.exp(log_post - log_post.max())
    return weights / weights.sum()


def domain_curve(bank_a: Sequence[float], bank_b: Sequence[float]) -> Array:
    """τ on the grid: 100 x the mean probability right over the whole bank."""
    a = np.asarray(bank_a, dtype=float)
    b = np.asarray(bank_b, dtype=float)
    return 100.0 * p_correct(a[:, None], b[:, None], GRID[None, :]).mean(axis=0)


def level_of(domain: Array | float, min_percents: Sequence[float]) -> NDArray[np.intp]:
    """Index of the highest level whose ``min_percent`` the domain score reaches."""
    cuts = np.asarray(min_percents[1:], dtype=float)
    return np.searchsorted(cuts, np.asarray(domain), side="right")


def estimate(weights: Array, curve: Array, min_percents: Sequence[float]) -> Estimate:
    """The reported estimate from posterior ``weights`` and the bank's τ ``curve``."""
    theta = float((weights * GRID).sum())
    se = float(np.sqrt(max((weights * (GRID - theta) ** 2).sum(), 0.0)))
    cumulative = np.cumsum(weights)
    low_theta = GRID[min(int(np.searchsorted(cumulative, 0.05)), len(GRID) - 1)]
    high_theta = GRID[min(int(np.searchsorted(cumulative, 0.95)), len(GRID) - 1)]
    levels = level_of(curve, min_percents)
    probabilities = tuple(
        float(weights[levels == index].sum()) for index in range(len(min_percents))
    )
    best = int(np.argmax(probabilities))
    return Estimate(
        theta,
        se,
        float(np.interp(theta, GRID, curve)),
        float(np.interp(low_theta, GRID, curve)),
        float(np.interp(high_theta, GRID, curve)),
        best,
        probabilities[best],
        probabilities,
    )


def should_stop(answered: int, probability: float, rule: Stopping, settled: bool = False) -> bool:
    """The stopping rule: never before ``min_items``; then at ``max_items``, when
    the most likely level is ``certainty`` likely, or (with ``rule.curtail``)
    when ``settled`` says no remaining answers can change the level."""
    if answered < rule.min_items:
        return False
    if rule.curtail and settled:
        return True
    return answered >= rule.max_items or probability >= rule.certainty


def _cut_bounds(
    weights: Array, cut: int, free_a: Array, free_b: Array, remaining: int
) -> tuple[float, float]:
    """Bounds on the posterior mass at grid index ``cut`` and above after any
    ``remaining`` answers to any of the free items (module docstring)."""
    c = GRID[cut]
    p = np.clip(p_correct(free_a[:, None], free_b[:, None], GRID[None, :]), 1e-12, 1 - 1e-12)
    pc = np.clip(p_correct(free_a, free_b, c), 1e-12, 1 - 1e-12)[:, None]
    right = np.sort(np.log(p) - np.log(pc), axis=0)  # per item: log L(theta)/L(c) if right
    wrong = np.sort(np.log1p(-p) - np.log1p(-pc), axis=0)  # ... if wrong
    up_shift = np.where(c <= GRID, right[-remaining:].sum(0), right[:remaining].sum(0))
    down_shift = np.where(c <= GRID, wrong[:remaining].sum(0), wrong[-remaining:].sum(0))
    bounds = []
    for shift in (down_shift, up_shift):
        log_w = np.log(np.maximum(weights, 1e-300)) + shift
        tilted = np.exp(log_w - log_w.max())
        bounds.append(float(tilted[cut:].sum() / tilted.sum()))
    return bounds[0], bounds[1]


def settled(
    weights: Array,
    curve: Array,
    min_percents: Sequence[float],
    free_a: Sequence[float] | Array,
    free_b: Sequence[float] | Array,
    remaining: int,
) -> bool:
    """Deterministic curtailment: True when no answers to at most ``remaining``
    more of the free items (``free_a``, ``free_b``) can change the most likely
    level, so stopping now reports what the full test would have reported."""
    a = np.asarray(free_a, dtype=float)
    b = np.asarray(free_b, dtype=float)
    remaining = min(remaining, len(a))
    levels = level_of(curve, min_percents)
    count = len(min_percents)
    probabilities = [float(weights[levels == index].sum()) for index in range(count)]
    best = int(np.argmax(probabilities))
    if remaining <= 0:
        return True
    low, high = [1.0], [1.0]  # bounds on P(level >= j), j = 0..count
    for index in range(1, count):
        cut = int(np.searchsorted(levels, index))
        if 0 < cut < len(GRID):
            bound = _cut_bounds(weights, cut, a, b, remaining)
        else:
            bound = (1.0, 1.0) if cut == 0 else (0.0, 0.0)
        low.append(bound[0])
        high.append(bound[1])
    low.append(0.0)
    high.append(0.0)
    floor = low[best] - high[best + 1]
    return all(high[j] - low[j + 1] < floor for j in range(count) if j != best)


def finished(
    weights: Array,
    curve: Array,
    min_percents: Sequence[float],
    a: Sequence[float],
    b: Sequence[float],
    used: Sequence[int],
    rule: Stopping,
) -> bool:
    """should_stop with curtailment, for a bank (a, b) of which ``used`` were
    asked and answered (posterior ``weights``): what the engine calls after
    each answer."""
    answered = len(used)
    probability = estimate(weights, curve, min_percents).probability
    if should_stop(answered, probability, rule) or answered < rule.min_items:
        return answered >= rule.min_items
    if not rule.curtail or rule.max_items - answered > CURTAIL_WITHIN:
        return False
    free = np.ones(len(a), dtype=bool)
    free[list(used)] = False
    free_a, free_b = np.asarray(a, dtype=float)[free], np.asarray(b, dtype=float)[free]
    return settled(weights, curve, min_percents, free_a, free_b, rule.max_items - answered)


def choose_next(
    a: Array,
    b: Array,
    levels: Sequence[str],
    used: Sequence[int],
    theta: float,
    rng: np.random.Generator,
    top: int = 3,
    slack: int = 3,
) -> int | None:
    """Index of the next item: the most informative at θ among unused items,
    drawn at random among the ``top`` best (randomesque exposure control),
    keeping the blueprint's level balance: a level tag may lead the least used
    tag that still has items by at most ``slack`` items."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    tags = np.asarray(levels)
    free = np.ones(len(a), dtype=bool)
    free[list(used)] = False
    if not free.any():
        return None
    names, index = np.unique(tags, return_inverse=True)
    counts = np.bincount(index[list(used)], minlength=len(names))
    fewest = counts[np.unique(index[free])].min()
    allowed = free & (counts[index] <= fewest + slack)
    info = np.where(allowed, information(a, b, theta), -np.inf)
    best = [int(i) for i in np.argsort(-info)[:top] if np.isfinite(info[i])]
    return best[int(rng.integers(len(best)))]
