"""The words a question is shown in: the reader's language where its quiz has a
translation, else the English of the question itself.

Only words change: the question, its options (by the same index, so a chosen
option means the same in every language) and its explanation. A calculated
question keeps its English: its numbers and options are made per attempt from
the English template.
"""

from __future__ import annotations

from dataclasses import dataclass

from skillgap.curriculum.snapshot import Snapshot
from skillgap.models import Question


@dataclass(frozen=True)
class QuestionWords:
    text: str
    options: tuple[str, ...]
    explanation: str
    lang: str  # the language these words are in

    def option(self, index: int, default: str = "") -> str:
        return self.options[index] if 0 <= index < len(self.options) else default


def question_words(snapshot: Snapshot, question: Question) -> QuestionWords:
    found = snapshot.question_words.get(question.fingerprint)
    options = question.options or []
    if found is not None and question.template is None and len(found["options"]) == len(options):
        return QuestionWords(
            found["text"], tuple(found["options"]), found["explanation"], snapshot.locale
        )
    return QuestionWords(
        question.text,
        tuple(str(option.get("text", "")) for option in options),
        question.explanation,
        "en",
    )
