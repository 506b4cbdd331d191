"""The words of each email: one function per email, from the plain data of
services/digests.py to a subject and a plain-text and an HTML part
(templates/email/; the .html ones are autoescaped by Jinja).

There is no translated interface yet, so every text is English. Each email's
text is written here and in its two templates only, so that a later i18n issue
can translate an email by changing its one function (the subject) and its
templates, with the person's language passed in.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template

from skillgap.services.digests import Digest, EmailKind, Nudge
from skillgap.services.email_links import Links


@dataclass(frozen=True)
class Email:
    to_address: str
    to_name: str
    subject: str
    text: str
    html: str
    unsubscribe_url: str


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def nudge_email(nudge: Nudge, links: Links) -> Email:
    """The weekly nudge (English; see the module docstring on translation)."""
    if nudge.steps:
        subject = (
            f"Your learning this week: {_plural(len(nudge.steps), 'step')}, {nudge.minutes} minutes"
        )
    else:
        subject = "Time to re-take: " + ", ".join(name for _, name in nudge.retakes)
    unsubscribe = links.unsubscribe(nudge.to.user_id, EmailKind.NUDGE)
    context = {
        "nudge": nudge,
        "links": links,
        "unsubscribe_url": unsubscribe,
        "account_url": links.to("auth.account", _anchor="email"),
    }
    return Email(
        nudge.to.email,
        nudge.to.name,
        subject,
        render_template("email/nudge.txt", **context),
        render_template("email/nudge.html", **context),
        unsubscribe,
    )


def digest_email(digest: Digest, links: Links) -> Email:
    """The manager digest, recognition first (English; see the module docstring)."""
    window = digest.window
    period = (
        f"{window.first_day:%B %Y}"
        if window.monthly
        else f"week of {window.first_day:%d %b} to {window.last_day:%d %b %Y}"
    )
    news = [_plural(len(digest.finished), "module") + " finished"] if digest.finished else []
    if digest.closed:
        news.append(_plural(len(digest.closed), "gap") + " closed")
    if not news and digest.results:
        news.append(_plural(len(digest.results), "new result"))
    headline = ", ".join(news) or "due dates and pauses"
    subject = f"Your team's {'month' if window.monthly else 'week'} ({period}): {headline}"
    unsubscribe = links.unsubscribe(digest.to.user_id, EmailKind.DIGEST)
    context = {
        "digest": digest,
        "period": period,
        "links": links,
        "unsubscribe_url": unsubscribe,
        "account_url": links.to("auth.account", _anchor="email"),
    }
    return Email(
        digest.to.email,
        digest.to.name,
        subject,
        render_template("email/digest.txt", **context),
        render_template("email/digest.html", **context),
        unsubscribe,
    )
