"""Benchmark: time to compute learning paths (the pure engine).

Run by hand, not in CI:  .venv/bin/python bench/paths.py
Prints medians over repeated runs for one person over 500 modules, and for a
batch of 1,000 people (each with their own levels and completions).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))

from skillgap.rules.path_engine import ModuleInfo, Standing, plan_path

LEVELS = ["Below entry", "Entry", "Intermediate", "Advanced"]
SKILLS = [f"skill-{n}" for n in range(12)]


def make_modules(count: int, rng: random.Random) -> list[ModuleInfo]:
    modules = []
    for index in range(count):
        prerequisites = (
            {f"m{rng.randrange(index):04d}" for _ in range(rng.randint(0, 3))} if index else set()
        )
        modules.append(
            ModuleInfo(
                id=f"m{index:04d}",
                title=f"Module {index}",
                course_id=f"c{index // 20:02d}",
                course_position=index // 20,
                position=index % 20,
                skills=tuple(rng.sample(SKILLS, rng.randint(1, 2))),
                level=rng.randint(1, 3),
                minutes=rng.choice([10, 15, 20, 25, 30, 45]),
                prerequisites=tuple(sorted(prerequisites)),
            )
        )
    return modules


def make_person(modules: list[ModuleInfo], rng: random.Random):
    standings = [
        Standing(s, s, rng.randint(0, 2), rng.randint(1, 3), rng.random() > 0.2) for s in SKILLS
    ]
    completed = {m.id for m in modules if rng.random() < 0.15}
    return standings, completed, rng.choice([60, 90, 120, 180])


def median_ms(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    rng = random.Random(42)
    modules = make_modules(500, rng)
    standings, completed, budget = make_person(modules, rng)
    single = median_ms(lambda: plan_path(standings, modules, completed, budget, LEVELS), 21)
    path = plan_path(standings, modules, completed, budget, LEVELS)
    people = [make_person(modules, rng) for _ in range(1000)]
    batch = median_ms(lambda: [plan_path(s, modules, c, b, LEVELS) for s, c, b in people], 3)
    print(f"modules: {len(modules)}, skills: {len(SKILLS)}")
    steps, weeks = len(path.steps), len(path.weeks)
    print(f"one person:    median {single:8.2f} ms  ({steps} steps, {weeks} weeks)")
    print(f"1,000 people:  median {batch:8.0f} ms  ({batch / 1000:.2f} ms a person)")


if __name__ == "__main__":
    main()
