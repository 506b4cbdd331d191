"""Near-duplicate detection between items and the teaching material.

A bank item must not be a module check item, a module's worked example or
another item with names changed: that would let a re-take be passed from
memory. Texts are compared as sets of word shingles (runs of ``SHINGLE``
words, lower-cased, punctuation dropped, numbers kept, so a re-skin that keeps
the numbers and the structure is caught even when the brand changes):

- item against item: Jaccard similarity of the two shingle sets;
- item against a worked example: containment, the share of the item's
  shingles found in the example (an example is much longer than an item).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

SHINGLE = 2
MAX_ITEM_SIMILARITY = 0.25  # Jaccard, item against item
MAX_EXAMPLE_CONTAINMENT = 0.25  # share of an item's shingles inside a worked example
_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")


def shingles(text: str, size: int = SHINGLE) -> frozenset[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.lower())
    return frozenset(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def containment(inner: frozenset, outer: frozenset) -> float:
    return len(inner & outer) / len(inner) if inner else 0.0


def worked_examples(module_body: str) -> list[str]:
    """The text of each ``## Worked example`` section of a module."""
    sections: list[str] = []
    current: list[str] | None = None
    for line in module_body.split("\n"):
        if line.startswith("## "):
            if current is not None:
                sections.append("\n".join(current))
            current = [] if line[3:].strip().lower().startswith("worked example") else None
        elif current is not None:
            current.append(line)
    if current is not None:
        sections.append("\n".join(current))
    return sections


@dataclass(frozen=True)
class Text:
    """One text to compare, with where it comes from (``file:line``)."""

    where: str
    text: str


@dataclass(frozen=True)
class Overlap:
    item: str
    other: str
    measure: str  # "similarity" or "containment"
    value: float

    def __str__(self) -> str:
        return f"{self.item} ~ {self.other}: {self.measure} {self.value:.2f}"


def overlaps(
    items: list[Text],
    against_items: Iterable[Text] = (),
    against_examples: Iterable[Text] = (),
    *,
    max_similarity: float = MAX_ITEM_SIMILARITY,
    max_containment: float = MAX_EXAMPLE_CONTAINMENT,
) -> list[Overlap]:
    """Every pair above its threshold: items against each other and against the
    other items given, and items inside worked examples. Sorted, worst first."""
    item_sets = [(item, shingles(item.text)) for item in items]
    others = [(other, shingles(other.text)) for other in against_items]
    examples = [(example, shingles(example.text)) for example in against_examples]
    found = []
    for index, (item, own) in enumerate(item_sets):
        for other, theirs in item_sets[index + 1 :] + others:
            value = jaccard(own, theirs)
            if value > max_similarity:
                found.append(Overlap(item.where, other.where, "similarity", value))
        for example, theirs in examples:
            value = containment(own, theirs)
            if value > max_containment:
                found.append(Overlap(item.where, example.where, "containment", value))
    return sorted(found, key=lambda overlap: -overlap.value)


def max_overlap(items: list[Text], against_items: Iterable[Text], against_examples: Iterable[Text]):
    """The highest similarity and containment of each item (for the report)."""
    others = [shingles(other.text) for other in against_items]
    examples = [shingles(example.text) for example in against_examples]
    sets = [shingles(item.text) for item in items]
    result = []
    for index, own in enumerate(sets):
        peers = others + sets[:index] + sets[index + 1 :]
        result.append(
            (
                items[index].where,
                max((jaccard(own, theirs) for theirs in peers), default=0.0),
                max((containment(own, theirs) for theirs in examples), default=0.0),
            )
        )
    return result
