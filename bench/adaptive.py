"""Simulation benchmark: the adaptive diagnostic against fixed forms (issue 18).

Run:  .venv/bin/python bench/adaptive.py [--seed N]
Settings, fixed so runs compare: per skill a 40-item bank, a ~ lognormal(mean
of log = ln 1.2, sd 0.25), b ~ N(-1, 0.5) entry-tagged, N(0, 0.5) intermediate,
N(1, 0.5) advanced (a third each), examinees theta ~ N(0, 1), levels by domain
score with min_percents (0, 60, 75, 90). A person's true level is the level of
their true theta through the true parameters' domain score.

Prints (a) parameter recovery (rules/calibration.py) from 2,000 examinees'
full responses per bank; (b) for 5 banks x 1,000 examinees the exact-level
and entry-cut accuracy of a fixed 12-item form (4 per tag, percent correct ->
level), a fixed 36-item form (12 per tag), the adaptive engine as shipped
(rules/irt.py with its defaults, called as the app calls it, on the bank's
parameters) and, as the ceiling, EAP on all 40 answers of the whole bank;
(c) the time to choose the next item on a 300-item bank.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))

from skillgap.rules import irt
from skillgap.rules.calibration import calibrate

MIN_PERCENTS = (0, 60, 75, 90)
TAGS = ("entry", "intermediate", "advanced")
TAG_B = {"entry": -1.0, "intermediate": 0.0, "advanced": 1.0}
BANK = 40
BANKS = 5
RECOVERY_PEOPLE = 2000
PEOPLE = 1000  # per bank, so 5,000 in all


def make_bank(rng: np.random.Generator, size: int = BANK):
    tags = np.array([TAGS[i % 3] for i in range(size)])
    a = np.exp(rng.normal(np.log(1.2), 0.25, size))
    b = np.array([rng.normal(TAG_B[tag], 0.5) for tag in tags])
    return a, b, tags


def answers(rng, a, b, thetas):
    p = irt.p_correct(a[None, :], b[None, :], thetas[:, None])
    return (rng.random(p.shape) < p).astype(float)


def true_levels(a, b, thetas):
    tau = 100.0 * irt.p_correct(a[:, None], b[:, None], thetas[None, :]).mean(axis=0)
    return irt.level_of(tau, MIN_PERCENTS)


def recovery(rng):
    true_a, true_b, est_a, est_b = [], [], [], []
    for _ in range(BANKS):
        a, b, tags = make_bank(rng)
        u = answers(rng, a, b, rng.normal(0.0, 1.0, RECOVERY_PEOPLE))
        prior = [irt.prior_parameters(str(tag)) for tag in tags]
        items = calibrate(u, [p[0] for p in prior], [p[1] for p in prior])
        true_a.append(a), true_b.append(b)
        est_a.append(np.array([item.a for item in items]))
        est_b.append(np.array([item.b for item in items]))
    r_a = np.mean([np.corrcoef(x, y)[0, 1] for x, y in zip(true_a, est_a, strict=True)])
    r_b = np.mean([np.corrcoef(x, y)[0, 1] for x, y in zip(true_b, est_b, strict=True)])
    rmse_a = np.sqrt(np.mean((np.concatenate(true_a) - np.concatenate(est_a)) ** 2))
    rmse_b = np.sqrt(np.mean((np.concatenate(true_b) - np.concatenate(est_b)) ** 2))
    print(f"(a) recovery, {BANKS} banks x {RECOVERY_PEOPLE} examinees x {BANK} items:")
    print(f"    r(a) {r_a:.3f}  RMSE(a) {rmse_a:.3f}   r(b) {r_b:.3f}  RMSE(b) {rmse_b:.3f}")
    return r_a, r_b


def adaptive(a, b, tags, curve, u_row, rng):
    """One examinee through the shipped engine; u_row holds their answer to each item."""
    rule = irt.Stopping()
    used: list[int] = []
    while True:
        weights = irt.posterior(a[used], b[used], u_row[used])
        result = irt.estimate(weights, curve, MIN_PERCENTS)
        if irt.finished(weights, curve, MIN_PERCENTS, a, b, used, rule):
            return result.level, len(used)
        item = irt.choose_next(a, b, list(tags), used, result.theta, rng)
        if item is None:
            return result.level, len(used)
        used.append(item)


def fixed_form(tags, per_tag):
    return np.concatenate([np.flatnonzero(tags == tag)[:per_tag] for tag in TAGS])


def classification(rng, choice_rng):
    """``rng`` draws banks, people and answers; ``choice_rng`` only the engine's
    randomesque draws, so a change to the engine meets the same banks and people."""
    scores: dict[str, list[float]] = {k: [] for k in ("fixed12", "fixed36", "adaptive", "all40")}
    entry: dict[str, list[float]] = {k: [] for k in scores}
    items: list[int] = []
    for _ in range(BANKS):
        a, b, tags = make_bank(rng)
        thetas = rng.normal(0.0, 1.0, PEOPLE)
        truth = true_levels(a, b, thetas)
        u = answers(rng, a, b, thetas)
        curve = irt.domain_curve(a, b)
        found = {}
        for name, per_tag in (("fixed12", 4), ("fixed36", 12)):
            form = fixed_form(tags, per_tag)
            found[name] = irt.level_of(100.0 * u[:, form].mean(axis=1), MIN_PERCENTS)
        runs = [adaptive(a, b, tags, curve, row, choice_rng) for row in u]
        found["adaptive"] = np.array([level for level, _ in runs])
        items += [count for _, count in runs]
        found["all40"] = np.array(
            [irt.estimate(irt.posterior(a, b, row), curve, MIN_PERCENTS).level for row in u]
        )
        for name, levels in found.items():
            scores[name].append(float(np.mean(levels == truth)))
            entry[name].append(float(np.mean((levels > 0) == (truth > 0))))
    print(f"(b) classification, {BANKS} banks x {PEOPLE} examinees (exact, entry-cut, items):")
    for name, label in (
        ("fixed12", "fixed 12-item form"),
        ("fixed36", "fixed 36-item form"),
        ("adaptive", "adaptive as shipped"),
        ("all40", "ceiling: EAP on all 40"),
    ):
        size = {"fixed12": "12", "fixed36": "36", "all40": "40"}.get(
            name, f"mean {np.mean(items):.2f}, max {max(items)}"
        )
        print(
            f"    {label:<24} exact {np.mean(scores[name]):.3f}  "
            f"entry-cut {np.mean(entry[name]):.3f}  items {size}"
        )
        print(f"      per bank exact {' '.join(f'{s:.3f}' for s in scores[name])}")
    return (
        {k: np.mean(v) for k, v in scores.items()},
        {k: np.mean(v) for k, v in entry.items()},
        items,
    )


def timing(rng):
    a, b, tags = make_bank(rng, 300)
    lapses = []
    for _ in range(2000):
        used = list(rng.choice(300, size=int(rng.integers(0, 20)), replace=False))
        theta = float(rng.normal())
        start = time.perf_counter()
        irt.choose_next(a, b, list(tags), used, theta, rng)
        lapses.append((time.perf_counter() - start) * 1000.0)
    p50, p99 = np.percentile(lapses, [50, 99])
    print(f"(c) next item on a 300-item bank: p50 {p50:.3f} ms, p99 {p99:.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=18)
    seed = parser.parse_args().seed
    started = time.perf_counter()
    recovery(np.random.default_rng(seed))
    exact, entry, items = classification(
        np.random.default_rng(seed + 1), np.random.default_rng(seed + 3)
    )
    timing(np.random.default_rng(seed + 2))
    print(f"took {time.perf_counter() - started:.0f} s")
    print(
        f"adaptive: exact {exact['adaptive']:.3f} (fixed12 {exact['fixed12']:.3f}), "
        f"entry-cut {entry['adaptive']:.3f} (fixed12 {entry['fixed12']:.3f}), "
        f"items {np.mean(items):.2f}"
    )


if __name__ == "__main__":
    main()
