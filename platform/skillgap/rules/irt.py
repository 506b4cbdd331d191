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

# Priors from an item's level tag, before any answers exist (README "Diagnostic").
PRIOR_B = {"entry": -1.0, "intermediate": 0.0, "advanced": 1.0}
PRIOR_A = 1.0


@dataclass(frozen=True)
class Stopping:
    min_items: int = 5
    max_items: int = 20
    certainty: float = 0.95  # stop when the most likely level is at least this likely


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


def level_of(domain: Array | float, min_percents: Sequence[float]) -> Array:
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


def should_stop(answered: int, probability: float, rule: Stopping) -> bool:
    if answered < rule.min_items:
        return False
    return answered >= rule.max_items or probability >= rule.certainty


def choose_next(
    a: Array,
    b: Array,
    levels: Sequence[str],
    used: Sequence[int],
    theta: float,
    rng: np.random.Generator,
    top: int = 5,
    slack: int = 2,
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
    counts = {tag: int(np.sum(tags[list(used)] == tag)) for tag in set(levels)}
    fewest = min(counts[tag] for tag in set(tags[free]))
    allowed = free & np.array([counts[tag] <= fewest + slack for tag in tags])
    info = np.where(allowed, information(a, b, theta), -np.inf)
    best = [int(i) for i in np.argsort(-info)[:top] if np.isfinite(info[i])]
    return best[int(rng.integers(len(best)))]
