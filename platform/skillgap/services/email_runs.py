"""One run of ``send-digests``: every active person's nudge, every manager's
digest, each sent at most once per person and period.

Once only, across runs and instances: before sending, the run claims the email
by inserting its ``EmailDelivery`` row (unique per person, kind and period) and
commits; a run that loses the race gets an IntegrityError and skips it. After
the SMTP server accepts the message, ``sent_at`` is set. A failed delivery keeps
its row with the error and one more attempt, and the next run claims it again;
so does a claim older than STALE_CLAIM that never got ``sent_at`` (a run that
crashed). Claiming an existing row is a compare-and-set (``UPDATE ... WHERE id
= ? AND claimed_at = <as read>``), so two runs cannot both take it.

The one window left: a crash after the server accepted a message but before
``sent_at`` was committed sends that email again after STALE_CLAIM. (Without
a transaction spanning the SMTP server and the database, it is this or an email
lost; a duplicate nudge is the lesser harm.)

Nothing is claimed for a person with nothing to send (paused, nothing due), so a
run writes rows only for emails it sends. People are read in keyset pages of
PAGE_SIZE on their own read session, never all at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from typing import Any, NamedTuple

from flask_babel import force_locale
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillgap import clock
from skillgap.i18n import recipient_locale
from skillgap.models import EmailDelivery, LearningPlan, User
from skillgap.roles import Role
from skillgap.services import digests
from skillgap.services.digests import DigestChoice, EmailKind, Recipient, Skip
from skillgap.services.email_links import Links
from skillgap.services.email_text import Email, digest_email, nudge_email
from skillgap.services.mailer import DeliveryFailed, build_message

STALE_CLAIM = timedelta(minutes=15)
MAX_ATTEMPTS = 5  # per person and period; then the run stops trying that email
PAGE_SIZE = 500
SENT, FAILED = "sent", "failed"


@dataclass(frozen=True)
class RunSettings:
    today: date
    now: datetime  # for re-take timing; claims use the clock at the time
    retake_interval: timedelta
    links: Links
    sender: str  # the From address
    dry_run: bool = False


@dataclass
class Summary:
    dry_run: bool = False
    sent: Counter[str] = field(default_factory=Counter)  # kind -> count
    failed: Counter[str] = field(default_factory=Counter)
    skipped: dict[str, Counter[str]] = field(default_factory=dict)  # kind -> reason -> count

    def count(self, kind: EmailKind, outcome: str) -> None:
        if outcome == SENT:
            self.sent[kind.value] += 1
        elif outcome == FAILED:
            self.failed[kind.value] += 1
        else:
            self.skipped.setdefault(kind.value, Counter())[outcome] += 1

    def line(self) -> str:
        """E.g. ``sent 3 (1 digest, 2 nudge), skipped 4 (nudge: 3 paused; digest: 1 no
        team), failed 0``."""

        def by_kind(counts: Counter[str]) -> str:
            parts = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()) if n)
            return f"{counts.total()}" + (f" ({parts})" if parts else "")

        reasons = "; ".join(
            f"{kind}: " + ", ".join(f"{n} {why}" for why, n in counts.most_common())
            for kind, counts in sorted(self.skipped.items())
        )
        skipped = sum(counts.total() for counts in self.skipped.values())
        verb = "would send" if self.dry_run else "sent"
        return (
            f"{verb} {by_kind(self.sent)}, skipped {skipped}"
            + (f" ({reasons})" if reasons else "")
            + f", failed {by_kind(self.failed)}"
        )


class Person(NamedTuple):
    user: User
    weekly_nudge: bool
    digest: DigestChoice


class Delivery(NamedTuple):
    id: int
    claimed_at: datetime
    sent_at: datetime | None
    attempts: int
    error: str


def people_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(User.active)) or 0


def people_pages(session: Session, page_size: int = PAGE_SIZE) -> Iterator[list[Person]]:
    """Active people with their email choices (defaults when they have no plan
    row), in pages by id: each page is one short query, whatever the total."""
    after = 0
    while True:
        rows = session.execute(
            select(User, LearningPlan.weekly_nudge, LearningPlan.digest)
            .outerjoin(LearningPlan, LearningPlan.user_id == User.id)
            .where(User.active, User.id > after)
            .order_by(User.id)
            .limit(page_size)
        ).all()
        if not rows:
            return
        after = rows[-1][0].id  # read now: the caller lets the page go after use
        yield [
            Person(user, nudge is not False, DigestChoice(digest or DigestChoice.WEEKLY))
            for user, nudge, digest in rows
        ]


def _deliveries(
    session: Session, keys: list[tuple[int, str, str]]
) -> dict[tuple[int, str, str], Delivery]:
    if not keys:
        return {}
    rows = session.execute(
        select(
            EmailDelivery.user_id,
            EmailDelivery.kind,
            EmailDelivery.period,
            EmailDelivery.id,
            EmailDelivery.claimed_at,
            EmailDelivery.sent_at,
            EmailDelivery.attempts,
            EmailDelivery.error,
        ).where(
            EmailDelivery.user_id.in_({user_id for user_id, _, _ in keys}),
            EmailDelivery.period.in_({period for _, _, period in keys}),
        )
    )
    wanted = set(keys)
    return {(r[0], r[1], r[2]): Delivery(*r[3:]) for r in rows if (r[0], r[1], r[2]) in wanted}


@dataclass(frozen=True)
class Job:
    kind: EmailKind
    period: str
    user_id: int
    content: Callable[[], Email | Skip]  # built only when the email may be sent


def _jobs(
    reader: Session, person: Person, run: RunSettings
) -> Iterator[Job | tuple[EmailKind, Skip]]:
    """The person's emails this run, or why each kind is skipped before any work."""
    user = person.user
    to = Recipient(user.id, user.email, user.name, user.locale)
    # Everything the email says is worked out in its recipient's language: the
    # path's reasons and names as well as the template's words.
    language = recipient_locale(user.locale)
    if not person.weekly_nudge:
        yield EmailKind.NUDGE, Skip.OPTED_OUT
    else:

        def nudge() -> Email | Skip:
            with force_locale(language):
                found = digests.nudge_for(reader, user, to, run.today, run.now, run.retake_interval)
                return found if isinstance(found, Skip) else nudge_email(found, run.links)

        yield Job(EmailKind.NUDGE, digests.week_period(run.today), user.id, nudge)
    if not user.has_role(Role.MANAGER):
        return
    if person.digest == DigestChoice.OFF:
        yield EmailKind.DIGEST, Skip.OPTED_OUT
        return
    window = digests.digest_window(person.digest, run.today)

    def digest() -> Email | Skip:
        with force_locale(language):
            found = digests.digest_for(reader, user.id, to, window, run.today)
            return found if isinstance(found, Skip) else digest_email(found, run.links)

    yield Job(EmailKind.DIGEST, window.period, user.id, digest)


def send_all(
    reader: Session,
    writer: Session,
    send: Callable[[EmailMessage], None] | None,
    run: RunSettings,
    progress: Callable[[int], None] = lambda _done: None,
) -> Summary:
    """Every person's emails for this run. ``send`` delivers one message (the
    Mailer's ``send``); with ``run.dry_run`` nothing is sent or claimed."""
    summary = Summary(dry_run=run.dry_run)
    for page in people_pages(reader):
        jobs = [(person, list(_jobs(reader, person, run))) for person in page]
        keys = [
            (job.user_id, job.kind.value, job.period)
            for _, person_jobs in jobs
            for job in person_jobs
            if isinstance(job, Job)
        ]
        known = _deliveries(reader, keys)
        for _person, person_jobs in jobs:
            for job in person_jobs:
                if isinstance(job, Job):
                    key = (job.user_id, job.kind.value, job.period)
                    outcome = _deliver(writer, send, run, job, known.get(key))
                    summary.count(job.kind, outcome)
                else:
                    summary.count(*job)
            progress(1)
        reader.rollback()  # a fresh snapshot for the next page, and the page let go
        reader.expunge_all()
    return summary


def _deliver(
    writer: Session,
    send: Callable[[EmailMessage], None] | None,
    run: RunSettings,
    job: Job,
    known: Delivery | None,
) -> str:
    if known is not None:
        if known.sent_at is not None:
            return Skip.ALREADY_SENT
        if known.attempts >= MAX_ATTEMPTS:
            return Skip.GAVE_UP
        if not known.error and known.claimed_at > clock.now() - STALE_CLAIM:
            return Skip.IN_FLIGHT
    email = job.content()
    if isinstance(email, Skip):
        return email
    if run.dry_run or send is None:
        return SENT
    claim = _claim(writer, job, known)
    if claim is None:
        return Skip.IN_FLIGHT
    try:
        send(build_message(email, run.sender))
    except DeliveryFailed as error:
        _finish(writer, claim, error=str(error)[:1000] or "failed")
        return FAILED
    _finish(writer, claim, error=None)
    return SENT


def _claim(writer: Session, job: Job, known: Delivery | None) -> int | None:
    """The row's id once this run holds the claim (committed); None if another
    run got there first."""
    now = clock.now()
    if known is None:
        row = EmailDelivery(
            user_id=job.user_id, kind=job.kind.value, period=job.period, claimed_at=now
        )
        writer.add(row)
        try:
            writer.commit()
        except IntegrityError:
            writer.rollback()
            return None
        return row.id
    taken = _rowcount(
        writer,
        update(EmailDelivery)
        .where(
            EmailDelivery.id == known.id,
            EmailDelivery.claimed_at == known.claimed_at,
            EmailDelivery.sent_at.is_(None),
        )
        .values(claimed_at=now, error=""),
    )
    writer.commit()
    return known.id if taken == 1 else None


def _finish(writer: Session, delivery_id: int, error: str | None) -> None:
    values: dict[str, Any] = {"attempts": EmailDelivery.attempts + 1}
    if error is None:
        values.update(sent_at=clock.now(), error="")
    else:
        values.update(error=error)
    writer.execute(update(EmailDelivery).where(EmailDelivery.id == delivery_id).values(**values))
    writer.commit()


def _rowcount(session: Session, statement: Any) -> int:
    result: CursorResult[Any] = session.execute(statement)  # type: ignore[assignment]
    return result.rowcount
