"""Calibration of a skill's bank under the 2PL (../shared/measurement.md).

Marginal maximum likelihood by EM (Bock and Aitkin 1981) with numpy: abilities
are integrated out over a fixed quadrature of theta ~ N(0, 1) (the population
scale, which identifies the model). Each E-step gives, per item and quadrature
point, the expected number of people answering (n) and answering right (r);
each M-step takes one Fisher-scoring step per item on the expected complete-data
log likelihood, all items at once (a generalised EM: every step raises the
marginal posterior, and it converges in a few dozen iterations).

The response matrix is people x items with NaN where an item was not asked:
adaptive data is sparse by design, and the missing entries drop out of both
steps (missing at random given the answers, which is what adaptive selection
is). Only first attempts should be passed in.

Weak priors keep sparse items stable (a Bayesian modal estimate, not pure
MML): log a ~ N(log a0, 0.5) and b ~ N(b0, 1.5), centred on the parameters the
item had before (its level-tag prior, or the previous calibration). With a few
hundred responses an item's likelihood outweighs them; with few they pull it
toward its tag instead of to an extreme. Items with fewer than
``min_responses`` answers keep the parameters given and take no part in the
fit.

Fit flag: a < 0.3 (the item hardly separates people) or a poor item fit: people
are put in five groups by their ability estimate and the largest gap between
the observed proportion right and the model's expected one in a group (of at
least 20 answers) exceeds 0.15.

Linking: ``mean_sigma`` puts a new calibration on the previous version's scale
from the difficulties of the items both share (b* = A b + B, a* = a / A).

Pure numpy: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

NODES: Array = np.linspace(-4.0, 4.0, 41)
LOG_WEIGHTS: Array = -0.5 * NODES**2 - np.log(np.exp(-0.5 * NODES**2).sum())
SD_LOG_A = 0.5  # prior sd of log a
SD_B = 1.5  # prior sd of b
MIN_A = 0.3  # below this an item is flagged
MAX_GAP = 0.15  # largest observed - expected proportion right in a group
GROUPS = 5
MIN_GROUP = 20


@dataclass(frozen=True)
class ItemCalibration:
    a: float
    b: float
    responses: int  # answers this calibration saw
    calibrated: bool  # False: too few answers, the given parameters were kept
    misfit: float  # largest observed - expected gap across ability groups (0 if not calibrated)
    flagged: bool  # a < 0.3 or misfit > 0.15: review the item


def _expected_counts(right: Array, wrong: Array, a: Array, b: Array) -> tuple[Array, Array, Array]:
    """E-step: each person's posterior over NODES, and per node and item the
    expected number answering (n) and answering right (r)."""
    z = a[None, :] * (NODES[:, None] - b[None, :])  # nodes x items
    log_p = -np.logaddexp(0.0, -z)
    log_q = -np.logaddexp(0.0, z)
    log_post = right @ log_p.T + wrong @ log_q.T + LOG_WEIGHTS[None, :]
    log_post -= log_post.max(axis=1, keepdims=True)
    post = np.exp(log_post)
    post /= post.sum(axis=1, keepdims=True)
    r = post.T @ right
    n = r + post.T @ wrong
    return post, n, r


def _scoring_step(
    n: Array, r: Array, a: Array, b: Array, prior_a: Array, prior_b: Array
) -> tuple[Array, Array]:
    """M-step: one Fisher-scoring step on (a, b) of every item at once, with
    the lognormal prior on a and the normal prior on b."""
    d = NODES[:, None] - b[None, :]
    p = 1.0 / (1.0 + np.exp(-a[None, :] * d))
    residual = r - n * p
    weight = n * p * (1.0 - p)
    log_ratio = np.log(a / prior_a)
    grad_a = (residual * d).sum(0) - log_ratio / (SD_LOG_A**2 * a)
    grad_b = -a * residual.sum(0) - (b - prior_b) / SD_B**2
    info_aa = (weight * d**2).sum(0) + 1.0 / (SD_LOG_A * a) ** 2
    info_bb = a**2 * weight.sum(0) + 1.0 / SD_B**2
    info_ab = -a * (weight * d).sum(0)
    det = np.maximum(info_aa * info_bb - info_ab**2, 1e-9)
    step_a = (info_bb * grad_a - info_ab * grad_b) / det
    step_b = (info_aa * grad_b - info_ab * grad_a) / det
    new_a = np.clip(a + np.clip(step_a, -0.5, 0.5), 0.05, 5.0)
    new_b = np.clip(b + np.clip(step_b, -1.0, 1.0), -6.0, 6.0)
    return new_a, new_b


def _misfit(post: Array, right: Array, asked: Array, a: Array, b: Array) -> Array:
    """Largest gap between observed and expected proportion right over
    ability groups (people grouped by their EAP), per item."""
    eap = post @ NODES
    edges = np.quantile(eap, np.linspace(0, 1, GROUPS + 1)[1:-1])
    group = np.searchsorted(edges, eap)
    expected = post @ (1.0 / (1.0 + np.exp(-a[None, :] * (NODES[:, None] - b[None, :]))))
    gaps = np.zeros(len(a))
    for g in range(GROUPS):
        rows = group == g
        count = asked[rows].sum(0)
        observed = right[rows].sum(0)
        model = (expected[rows] * asked[rows]).sum(0)
        gap = np.abs(observed - model) / np.maximum(count, 1)
        gaps = np.maximum(gaps, np.where(count >= MIN_GROUP, gap, 0.0))
    return gaps


def calibrate(
    responses: NDArray[np.float64],
    prior_a: Sequence[float],
    prior_b: Sequence[float],
    min_responses: int = 200,
    max_iterations: int = 300,
    tolerance: float = 1e-4,
) -> list[ItemCalibration]:
    """2PL parameters of each item (column) of ``responses`` (people x items,
    1 right, 0 wrong, NaN not asked). ``prior_a`` and ``prior_b`` are each
    item's parameters before: kept for items under ``min_responses`` answers,
    and the centre of the weak priors for the others."""
    data = np.asarray(responses, dtype=float)
    asked = ~np.isnan(data)
    counts = asked.sum(0)
    fit = counts >= max(min_responses, 1)
    a0 = np.asarray(prior_a, dtype=float)
    b0 = np.asarray(prior_b, dtype=float)
    a, b = a0.copy(), b0.copy()
    if fit.any():
        mask = asked[:, fit]
        right = np.where(mask, np.nan_to_num(data[:, fit]), 0.0)
        wrong = mask - right
        a[fit], b[fit] = _fit(right, wrong, a0[fit], b0[fit], max_iterations, tolerance)
        post, _, _ = _expected_counts(right, wrong, a[fit], b[fit])
        gaps = np.zeros(len(a))
        gaps[fit] = _misfit(post, right, mask.astype(float), a[fit], b[fit])
    else:
        gaps = np.zeros(len(a))
    return [
        ItemCalibration(
            a=float(a[i]),
            b=float(b[i]),
            responses=int(counts[i]),
            calibrated=bool(fit[i]),
            misfit=float(gaps[i]),
            flagged=bool(fit[i] and (a[i] < MIN_A or gaps[i] > MAX_GAP)),
        )
        for i in range(len(a))
    ]


def _fit(
    right: Array, wrong: Array, prior_a: Array, prior_b: Array, iterations: int, tolerance: float
) -> tuple[Array, Array]:
    """The EM loop, from the priors, until no parameter moves by ``tolerance``."""
    a = np.clip(prior_a.copy(), 0.2, 4.0)
    b = prior_b.copy()
    for _ in range(iterations):
        _, n, r = _expected_counts(right, wrong, a, b)
        new_a, new_b = _scoring_step(n, r, a, b, prior_a, prior_b)
        change = max(np.abs(new_a - a).max(), np.abs(new_b - b).max())
        a, b = new_a, new_b
        if change < tolerance:
            break
    return a, b


def mean_sigma(old_b: Sequence[float], new_b: Sequence[float]) -> tuple[float, float]:
    """Linking constants (A, B) from the difficulties of the common items on
    the previous scale (``old_b``) and the new one (``new_b``), same order:
    A = sd(old) / sd(new), B = mean(old) - A mean(new). Needs two or more items
    with different difficulties; otherwise returns the identity (1, 0)."""
    old = np.asarray(old_b, dtype=float)
    new = np.asarray(new_b, dtype=float)
    if len(old) < 2 or len(old) != len(new) or new.std() == 0.0:
        return 1.0, 0.0
    slope = float(old.std() / new.std())
    return slope, float(old.mean() - slope * new.mean())


def link(
    a: Sequence[float], b: Sequence[float], constants: tuple[float, float]
) -> tuple[Array, Array]:
    """Parameters (a, b) put on the previous scale: a / A, A b + B."""
    slope, shift = constants
    return np.asarray(a, dtype=float) / slope, slope * np.asarray(b, dtype=float) + shift
