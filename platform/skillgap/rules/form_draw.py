"""Drawing an attempt's form from an item bank, and the order of its options.

Pure functions (no Flask, no database), deterministic for a given random source:

- ``draw_items``: per level, the blueprint's number of items, taking first the
  items the person has not seen recently, then (only if the bank runs short)
  the ones they have; each group in random order. Drawing the same number per
  level on every form keeps percent-correct comparable between forms until the
  items are calibrated.
- ``option_order``: the order a question's options are shown in, derived from
  the attempt's seed and the question, so a resumed attempt and its result page
  show exactly what the person saw, and nothing has to be stored per question.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PoolItem:
    question_id: int  # the item's current version
    item_id: str  # stable across versions
    level: str


def draw_items(
    pool: Sequence[PoolItem],
    per_level: Mapping[str, int],
    recently_seen: set[str],
    rng: random.Random,
) -> list[PoolItem]:
    """The items of one skill's section, in the order they will be asked."""
    drawn: list[PoolItem] = []
    for level, count in per_level.items():
        candidates = sorted(
            (item for item in pool if item.level == level), key=lambda item: item.item_id
        )
        fresh = [item for item in candidates if item.item_id not in recently_seen]
        seen = [item for item in candidates if item.item_id in recently_seen]
        rng.shuffle(fresh)
        rng.shuffle(seen)
        drawn += (fresh + seen)[:count]
    rng.shuffle(drawn)
    return drawn


def option_order(seed: int | None, question_id: int, count: int) -> list[int]:
    """Original option indexes in the order shown (file order without a seed)."""
    order = list(range(count))
    if seed is not None:
        random.Random(f"{seed}:{question_id}").shuffle(order)
    return order


def shuffled(seed: int, values: Sequence[int]) -> list[int]:
    """``values`` in the attempt's order (questions of a fixed form)."""
    order = list(values)
    random.Random(f"{seed}:order").shuffle(order)
    return order
