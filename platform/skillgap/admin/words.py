"""The codes the admin pages store and filter by (audit actions, revision origins,
kinds of content due for review, kinds of quiz), in words for the reader."""

from __future__ import annotations

from flask_babel import LazyString, pgettext
from flask_babel import lazy_gettext as _l

from skillgap.kinds import QuizKind

# What each audit action means, in words (the code stays the stored value and filter).
AUDIT_WORDS = {
    "content.import": _l("Imported from the files"),
    "content.create": _l("Created content"),
    "content.save": _l("Saved a draft"),
    "content.publish": _l("Published"),
    # Context "audit": the badge of unpublished content is another message.
    "content.unpublish": LazyString(lambda: pgettext("audit", "Unpublished")),
    "content.restore": _l("Restored a revision"),
    "path.targets": _l("Set targets"),
    "path.due_date": _l("Set a due date"),
    "team.create": _l("Created a team"),
    "team.change": _l("Changed a team"),
    "user.create": _l("Created a user"),
    "user.change": _l("Changed a user"),
    "user.deactivate": _l("Deactivated a user"),
    "user.reactivate": _l("Reactivated a user"),
    "user.invitation": _l("Sent an invitation link"),
    "users.import": _l("Imported users"),
}
# How a revision was made (models.RevisionOrigin), in words.
ORIGIN_WORDS = {"import": _l("import"), "browser": _l("browser"), "restore": _l("restore")}
# What a due-for-review item is (services/content_review.DueItem.kind), in words.
REVIEW_KINDS = {
    "module": _l("module"),
    "quiz": _l("quiz"),
    "bank item": _l("bank item"),
    "metric": _l("metric"),
}
# What a quiz is (models.Quiz.kind), in words: lists show these, not the ids.
QUIZ_KINDS = {
    QuizKind.CHECK: _l("module check"),
    QuizKind.DIAGNOSTIC: _l("diagnostic"),
    QuizKind.SELF_ASSESSMENT: _l("self-assessment"),
    QuizKind.BANK: _l("item bank"),
}
