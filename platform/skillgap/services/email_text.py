"""The words of each email: one function per email, from the plain data of
services/digests.py to a subject and a plain-text and an HTML part
(templates/email/; the .html ones are autoescaped by Jinja).

Emails are sent outside a request (``flask --app run send-digests``), so each
one is written under ``force_locale`` in its recipient's language
(``Recipient.locale``; none: the site's default). Each email's text is here (the
subject) and in its two templates only.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _

from skillgap.i18n import recipient_locale
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


def nudge_email(nudge: Nudge, links: Links) -> Email:
    """The weekly nudge, in the recipient's language."""
    with force_locale(recipient_locale(nudge.to.locale)):
        if nudge.steps:
            subject = ngettext(
                "Your learning this week: %(num)d step, %(minutes)s minutes",
                "Your learning this week: %(num)d steps, %(minutes)s minutes",
                len(nudge.steps),
                minutes=nudge.minutes,
            )
        else:
            skills = ", ".join(name for _id, name in nudge.retakes)
            subject = _("Time to re-take: %(skills)s", skills=skills)
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


def _digest_subject(digest: Digest, period: str) -> str:
    news = []
    if digest.finished:
        count = len(digest.finished)
        news.append(ngettext("%(num)d module finished", "%(num)d modules finished", count))
    if digest.closed:
        news.append(ngettext("%(num)d gap closed", "%(num)d gaps closed", len(digest.closed)))
    if not news and digest.results:
        news.append(ngettext("%(num)d new result", "%(num)d new results", len(digest.results)))
    headline = ", ".join(news) or _("due dates and pauses")
    if digest.window.monthly:
        return _("Your team's month (%(period)s): %(news)s", period=period, news=headline)
    return _("Your team's week (%(period)s): %(news)s", period=period, news=headline)


def digest_email(digest: Digest, links: Links) -> Email:
    """The manager digest, recognition first, in the recipient's language."""
    window = digest.window
    with force_locale(recipient_locale(digest.to.locale)):
        if window.monthly:
            period = format_date(window.first_day, "MMMM y")
        else:
            period = _(
                "week of %(first)s to %(last)s",
                first=format_date(window.first_day, "d MMM"),
                last=format_date(window.last_day, "d MMM y"),
            )
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
            _digest_subject(digest, period),
            render_template("email/digest.txt", **context),
            render_template("email/digest.html", **context),
            unsubscribe,
        )
