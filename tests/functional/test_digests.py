"""The weekly nudge and the manager digest (``flask --app run send-digests``),
sent to a real SMTP server (aiosmtpd) started by the tests and read back: who
got what, both parts, links, unsubscribing, and each email once only (two runs
in a row, two at once, failures retried)."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from babel.dates import format_date
from flask_babel import force_locale, gettext
from sqlalchemy import select

from skillgap import clock, create_app
from skillgap.cli import email as email_cli
from skillgap.config import ConfigError, from_environment
from skillgap.models import EmailDelivery, LearningPlan, ModuleCompletion, PlanWeek, User
from skillgap.roles import Role
from skillgap.services import digests
from skillgap.services.digests import DigestChoice
from tests import factories
from tests.conftest import app_config, login, post_form, reread
from tests.servers import free_port

BASE_URL = "https://skillgap.example.com/app"
PROFILE = "social-media-manager"  # the test framework's role: strategy intermediate, metrics entry


class Inbox:
    """An aiosmtpd handler that keeps every message and can refuse addresses."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self.delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["X-Envelope-To"] == address]

    def recipients(self) -> list[str]:
        return sorted(m["X-Envelope-To"] for m in self.messages)


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def mail_settings(port: int) -> dict[str, object]:
    return {
        "SKILLGAP_BASE_URL": BASE_URL,
        "SKILLGAP_SMTP_HOST": "127.0.0.1",
        "SKILLGAP_SMTP_PORT": port,
        "SKILLGAP_SMTP_SECURITY": "none",
        "SKILLGAP_SMTP_USER": "",
        "SKILLGAP_SMTP_PASSWORD": "",
        "SKILLGAP_MAIL_FROM": "Skillgap <skillgap@example.com>",
    }


@pytest.fixture
def inbox(app, smtp):
    messages, port = smtp
    app.config.update(mail_settings(port))
    return messages


def send(app, *args: str):
    return app.test_cli_runner().invoke(args=["send-digests", *args])


def this_monday() -> date:
    today = clock.now().date()
    return today - timedelta(days=today.weekday())


def at(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None, "both parts"
    return text.get_content(), html.get_content()


def learner(db, email: str, **fields):
    return factories.make_user(db, Role.LEARNER, email=email, role_profile=PROFILE, **fields)


# --- the weekly nudge ------------------------------------------------------------------


def test_nudges_go_to_people_with_steps_and_not_to_paused_or_done_people(app, db, content, inbox):
    learner(db, "ready@example.org", name="Ready <Ann> & Co")
    paused = learner(db, "paused@example.org")
    db.add(PlanWeek(user_id=paused.id, week_start=this_monday(), minutes=0))
    done = factories.make_user(db, email="done@example.org")  # no role: entry everywhere
    factories.make_results(db, done, {"strategy-planning": 1, "platform-metrics": 1})
    opted_out = learner(db, "out@example.org")
    db.add(LearningPlan(user_id=opted_out.id, weekly_minutes=120, weekly_nudge=False))
    db.commit()

    result = send(app)
    assert result.exit_code == 0, result.output
    assert inbox.recipients() == ["ready@example.org"]
    assert "sent 1 (1 nudge)" in result.output
    assert "1 paused" in result.output and "1 nothing due" in result.output
    assert "1 opted out" in result.output

    message = inbox.messages[0]
    assert message["Subject"] == "Your learning this week: 3 steps, 45 minutes"
    assert message["To"] == '"Ready <Ann> & Co" <ready@example.org>'
    assert message["From"] == "Skillgap <skillgap@example.com>"
    text, html = parts(message)
    assert "First steps in planning (10 min)" in text
    assert "Strategy & planning: Below entry → target Intermediate" in text
    assert f"{BASE_URL}/modules/first-steps" in text and f"{BASE_URL}/path" in text
    assert "Ready &lt;Ann&gt; &amp; Co" in html and "<Ann>" not in html  # autoescaped
    assert f'href="{BASE_URL}/modules/first-steps"' in html
    for link in [*_links(text), *_links(html)]:
        assert link.startswith(BASE_URL + "/"), link
    assert message["List-Unsubscribe"].startswith(f"<{BASE_URL}/email/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def _links(body: str) -> list[str]:
    import re

    return re.findall(r"https?://[^\s\"'<>]+", body)


def test_a_lighter_week_nudges_only_what_fits_it(app, db, content, inbox):
    person = learner(db, "light@example.org")
    db.add(PlanWeek(user_id=person.id, week_start=this_monday(), minutes=30))
    db.commit()
    assert send(app).exit_code == 0
    text, _ = parts(inbox.to("light@example.org")[0])

    assert "30 minutes of your lighter week's 30" in text
    assert "Second steps with calendars (20 min)" in text
    assert "Reach basics" not in text  # 15 more minutes would not fit: next week


def test_a_retake_is_invited_when_due_and_not_before(app, db, content, inbox):
    person = factories.make_user(db, email="retake@example.org")  # target: entry
    factories.make_results(
        db, person, {"strategy-planning": 0, "platform-metrics": 1}, when=clock.now()
    )
    db.add(ModuleCompletion(user_id=person.id, module_id="first-steps"))
    db.commit()
    app.config["RETAKE_INTERVAL"] = timedelta(days=7)
    result = send(app)
    assert inbox.messages == [] and "1 nothing due" in result.output

    app.config["RETAKE_INTERVAL"] = timedelta(0)
    assert send(app).exit_code == 0
    message = inbox.to("retake@example.org")[0]
    assert message["Subject"] == "Time to re-take: Strategy & planning"
    text, _ = parts(message)
    assert f"{BASE_URL}/assessments/diagnostic/take?skill=strategy-planning" in text


def test_running_twice_sends_each_email_once(app, db, content, inbox):
    for n in range(3):
        learner(db, f"p{n}@example.org")
    db.commit()
    assert send(app).exit_code == 0
    second = send(app)
    assert second.exit_code == 0
    assert inbox.recipients() == ["p0@example.org", "p1@example.org", "p2@example.org"]
    assert "sent 0, skipped 3 (nudge: 3 already sent)" in second.output
    reread(db)
    rows = db.scalars(select(EmailDelivery)).all()
    assert {(r.kind, r.period, r.attempts) for r in rows} == {
        ("nudge", digests.week_period(clock.now().date()), 1)
    }
    assert all(r.sent_at is not None and r.error == "" for r in rows)


def test_two_runs_at_once_send_each_email_once(database_url, app, db, content, smtp):
    messages, port = smtp
    messages.delay = 0.02  # each delivery takes a while, so the runs overlap
    people = [learner(db, f"c{n}@example.org").email for n in range(8)]
    db.commit()
    apps = [create_app(app_config(database_url, **mail_settings(port))) for _ in range(2)]
    start = threading.Barrier(2)
    summaries, errors = [], []

    def run(one_app) -> None:
        try:
            with one_app.app_context():
                start.wait()
                summaries.append(email_cli.send(one_app))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(one_app,)) for one_app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for one_app in apps:
        from skillgap.db import database

        database(one_app).engine.dispose()
    assert not errors, errors
    assert messages.recipients() == sorted(people)
    assert sum(s.sent.total() for s in summaries) == len(people)
    assert all(s.failed.total() == 0 for s in summaries)


def test_a_refused_recipient_does_not_block_the_others_and_is_retried(app, db, content, inbox):
    for email in ("a@example.org", "bad@example.org", "z@example.org"):
        learner(db, email)
    db.commit()
    inbox.refuse = {"bad@example.org"}
    first = send(app)
    assert first.exit_code == 1
    assert "sent 2 (2 nudge)" in first.output and "failed 1 (1 nudge)" in first.output
    assert inbox.recipients() == ["a@example.org", "z@example.org"]
    reread(db)
    row = db.scalar(
        select(EmailDelivery).join_from(EmailDelivery, User).where(User.email == "bad@example.org")
    )
    assert row.sent_at is None and row.attempts == 1 and "550" in row.error

    inbox.refuse = set()
    second = send(app)
    assert second.exit_code == 0, second.output
    assert "sent 1 (1 nudge)" in second.output
    assert inbox.recipients() == ["a@example.org", "bad@example.org", "z@example.org"]
    reread(db)
    db.refresh(row)
    assert row.sent_at is not None and row.attempts == 2 and row.error == ""


def test_a_crashed_claim_is_taken_again_only_once_stale(app, db, content, inbox):
    person = learner(db, "crash@example.org")
    period = digests.week_period(clock.now().date())
    claim = EmailDelivery(user_id=person.id, kind="nudge", period=period, claimed_at=clock.now())
    db.add(claim)
    db.commit()
    result = send(app)
    assert "1 claimed by another run" in result.output and inbox.messages == []
    claim.claimed_at = clock.now() - timedelta(minutes=16)  # the run that claimed it died
    db.commit()
    assert "sent 1" in send(app).output
    assert inbox.recipients() == ["crash@example.org"]


def test_dry_run_sends_nothing_and_claims_nothing(app, db, content, inbox):
    learner(db, "dry@example.org")
    db.commit()
    result = send(app, "--dry-run")
    assert result.exit_code == 0
    assert "would send 1 (1 nudge)" in result.output
    assert inbox.messages == []
    reread(db)
    assert db.scalars(select(EmailDelivery)).all() == []


def test_the_base_url_is_required(app, db, content, inbox):
    app.config["SKILLGAP_BASE_URL"] = ""
    result = send(app)
    assert result.exit_code != 0 and "SKILLGAP_BASE_URL is not set" in result.output


# --- unsubscribing -----------------------------------------------------------------


def test_the_unsubscribe_link_works_without_signing_in(app, db, content, inbox):
    learner(db, "leave@example.org")
    db.commit()
    send(app)
    text, _ = parts(inbox.messages[0])
    link = next(line.split(": ", 1)[1] for line in text.splitlines() if "Stop these" in line)
    path = urlsplit(link).path.removeprefix("/app")
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200 and "Unsubscribe</button>" in page.get_data(as_text=True)
    reread(db)
    assert db.scalar(select(LearningPlan)) is None  # a GET changes nothing
    done = client.post(path)  # the page's button: no CSRF token, no sign-in
    assert done.status_code == 200 and "no longer get" in done.get_data(as_text=True)
    reread(db)
    assert db.scalar(select(LearningPlan.weekly_nudge)) is False
    inbox.messages.clear()
    db.execute(EmailDelivery.__table__.delete())  # even in a new week: nothing
    db.commit()
    assert "1 opted out" in send(app).output and inbox.messages == []


def test_one_click_unsubscribe_and_forged_tokens(app, db, content, inbox):
    manager = factories.make_user(db, Role.MANAGER, email="boss@example.org")
    team = factories.make_team(db, managers=[manager])
    member = learner(db, "member@example.org", team=team)
    db.add(PlanWeek(user_id=member.id, week_start=this_monday(), minutes=0))
    db.commit()
    send(app)
    digest = next(m for m in inbox.to("boss@example.org") if "team" in m["Subject"])
    path = urlsplit(digest["List-Unsubscribe"].strip("<>")).path.removeprefix("/app")
    client = app.test_client()
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    reread(db)
    assert db.get(LearningPlan, manager.id).digest == "off"
    assert db.get(LearningPlan, manager.id).weekly_nudge is True  # only the digest stops
    for forged in (path[:-3] + "abc", "/email/unsubscribe/nonsense", "/email/unsubscribe/W10.x"):
        assert client.get(forged).status_code == 404
        assert client.post(forged).status_code == 404


# --- the manager digest -------------------------------------------------------------


def test_the_weekly_digest_puts_recognition_first(app, db, content, inbox):
    manager = factories.make_user(db, Role.MANAGER, email="lead@example.org", name="Lea")
    team = factories.make_team(db, "Growth", managers=[manager])
    last_week = this_monday() - timedelta(days=5)  # a Wednesday
    star = learner(db, "star@example.org", name="Star", team=team)
    factories.make_results(db, star, {"strategy-planning": 0}, when=at(last_week) - timedelta(60))
    factories.make_results(db, star, {"strategy-planning": 2}, when=at(last_week))
    db.add(ModuleCompletion(user_id=star.id, module_id="first-steps", completed_at=at(last_week)))
    # A module with a check is finished when the check is first passed.
    factories.take_quiz(db, star, "second-steps-check", lambda _q: True, when=at(last_week))
    factories.take_quiz(db, star, "second-steps-check", lambda _q: True, when=at(this_monday()))
    resting = learner(db, "rest@example.org", name="Resting", team=team)
    db.add(PlanWeek(user_id=resting.id, week_start=this_monday(), minutes=0))
    late = learner(db, "late@example.org", name="Late", team=team)
    due = clock.now().date() + timedelta(days=7)
    db.add(LearningPlan(user_id=late.id, weekly_minutes=15, due_date=due))
    old = learner(db, "old@example.org", name="Old", team=team)  # finished long ago: not news
    db.add(
        ModuleCompletion(
            user_id=old.id, module_id="first-steps", completed_at=at(last_week) - timedelta(30)
        )
    )
    db.commit()

    result = send(app)
    assert result.exit_code == 0, result.output
    message = next(m for m in inbox.to("lead@example.org") if "team" in m["Subject"])
    assert message["Subject"].startswith("Your team's week (week of ")
    assert message["Subject"].endswith("2 modules finished, 1 gap closed")
    text, html = parts(message)
    sections = ["Work finished", "Gaps closed", "New results", "Due dates at risk", "Paused"]
    positions = [text.index(name) for name in sections]
    assert positions == sorted(positions), text
    assert [html.index(name) for name in sections] == sorted(html.index(n) for n in sections)
    assert "Star finished First steps in planning" in text
    assert text.count("Star finished Second steps with calendars") == 1  # passed twice
    assert "Old finished" not in text
    assert "Star: Strategy & planning rose from Below entry to Intermediate" in text
    assert "Star: Strategy & planning tested at Intermediate" in text
    assert f"Late: due {due.day} {due:%b %Y}, 2 weeks over" in text
    assert "Resting: paused until" in text
    assert f"{BASE_URL}/team" in text
    reread(db)
    period = digests.digest_window(DigestChoice.WEEKLY, clock.now().date()).period
    assert db.scalar(select(EmailDelivery.period).where(EmailDelivery.kind == "digest")) == period
    # The manager's own nudge (their own path) is a separate email.
    assert len(inbox.to("lead@example.org")) == 2


def test_the_monthly_digest_covers_last_month_once(app, db, content, inbox):
    manager = factories.make_user(db, Role.MANAGER, email="monthly@example.org")
    db.add(LearningPlan(user_id=manager.id, weekly_minutes=120, digest="monthly"))
    team = factories.make_team(db, managers=[manager])
    member = learner(db, "m@example.org", name="Member", team=team)
    window = digests.digest_window(DigestChoice.MONTHLY, clock.now().date())
    db.add(
        ModuleCompletion(
            user_id=member.id, module_id="first-steps", completed_at=at(window.first_day)
        )
    )
    db.commit()
    send(app)
    send(app)
    digests_sent = [m for m in inbox.to("monthly@example.org") if "team" in m["Subject"]]
    assert len(digests_sent) == 1
    assert digests_sent[0]["Subject"].startswith(f"Your team's month ({window.first_day:%B %Y})")
    reread(db)
    assert db.scalar(select(EmailDelivery.period).where(EmailDelivery.kind == "digest")) == (
        f"{window.first_day:%Y-%m}"
    )


def test_each_email_is_written_in_its_recipients_language(app, db, content, inbox):
    """Sent outside a request, each email takes its recipient's User.locale (None:
    the site's default): the page's language, the catalogue's words, the dates,
    and the path's reasons, which are worked out in that language too."""
    manager = factories.make_user(db, Role.MANAGER, email="baas@example.org")
    manager.locale = "nl"
    team = factories.make_team(db, managers=[manager])
    late = learner(db, "laat@example.org", name="Late", team=team)
    late.locale = "nl"
    learner(db, "default@example.org", team=team)
    due = clock.now().date() + timedelta(days=7)
    db.add(LearningPlan(user_id=late.id, weekly_minutes=15, due_date=due))
    db.commit()
    assert send(app).exit_code == 0

    def html_lang(message: EmailMessage) -> str:
        return parts(message)[1].split('<html lang="', 1)[1].split('"', 1)[0]

    with app.app_context(), force_locale("nl"):
        why = gettext("Why: %(reason)s", reason="").strip()
        target = gettext(
            "%(skill)s: %(current)s → target %(target)s", skill="", current="", target=""
        )
    assert why != "Why:" and "target" not in target  # the catalogue has them in Dutch
    dutch, english = inbox.to("laat@example.org")[0], inbox.to("default@example.org")[0]
    assert (html_lang(dutch), html_lang(english)) == ("nl", "en")
    assert why in parts(dutch)[0] and "Why:" not in parts(dutch)[0]
    assert target.split()[-1] in parts(dutch)[0]  # "→ doelniveau": the reason is Dutch too
    assert "Why:" in parts(english)[0] and "→ target" in parts(english)[0]
    digest = next(m for m in inbox.to("baas@example.org") if "Late" in parts(m)[0])
    assert html_lang(digest) == "nl"
    text, _ = parts(digest)
    assert "Late: " in text and format_date(due, "d MMM y", locale="nl") in text


def test_digest_periods():
    wednesday = date(2026, 12, 9)
    weekly = digests.digest_window(DigestChoice.WEEKLY, wednesday)
    assert (weekly.period, weekly.first_day, weekly.last_day) == (
        "2026-W49",
        date(2026, 11, 30),
        date(2026, 12, 6),
    )
    monthly = digests.digest_window(DigestChoice.MONTHLY, date(2027, 1, 4))
    assert (monthly.period, monthly.first_day, monthly.last_day) == (
        "2026-12",
        date(2026, 12, 1),
        date(2026, 12, 31),
    )
    assert monthly.end == datetime(2027, 1, 1, tzinfo=UTC)
    assert digests.week_period(date(2027, 1, 1)) == "2026-W53"  # ISO weeks, not calendar ones


# --- settings ----------------------------------------------------------------------


def test_account_email_settings(app, db, content, login_as):
    client = app.test_client()
    person = factories.make_user(db, email="self@example.org")
    manager = factories.make_user(db, Role.MANAGER, email="mgr@example.org")
    db.commit()
    login(client, person.email)
    page = client.get("/account").get_data(as_text=True)
    assert "Weekly email with this week" in page and "Team digest" not in page
    assert post_form(client, "/account/email", {}, "/account").status_code == 302
    reread(db)
    assert db.get(LearningPlan, person.id).weekly_nudge is False

    boss = app.test_client()
    login(boss, manager.email)
    assert "Team digest" in boss.get("/account").get_data(as_text=True)
    data = {"weekly_nudge": "y", "digest": "monthly"}
    assert post_form(boss, "/account/email", data, "/account").status_code == 302
    bad = post_form(boss, "/account/email", {"digest": "daily"}, "/account")
    assert bad.status_code == 422 and "Not a valid choice" in bad.get_data(as_text=True)
    reread(db)
    plan = db.get(LearningPlan, manager.id)
    assert (plan.weekly_nudge, plan.digest) == (True, "monthly")


def test_email_settings_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SKILLGAP_SMTP_SECURITY", "ssl")
    with pytest.raises(ConfigError, match="SKILLGAP_SMTP_SECURITY"):
        from_environment(tmp_path)
    monkeypatch.setenv("SKILLGAP_SMTP_SECURITY", "TLS")
    monkeypatch.setenv("SKILLGAP_SMTP_PORT", "465")
    monkeypatch.setenv("SKILLGAP_BASE_URL", "https://skillgap.example.com/")
    settings = from_environment(tmp_path)
    assert settings["SKILLGAP_SMTP_SECURITY"] == "tls" and settings["SKILLGAP_SMTP_PORT"] == 465
    assert settings["SKILLGAP_BASE_URL"] == "https://skillgap.example.com"
    for name, value in (("SKILLGAP_SMTP_PORT", "99999"), ("SKILLGAP_BASE_URL", "skillgap.example")):
        monkeypatch.setenv(name, value)
        with pytest.raises(ConfigError, match=name):
            from_environment(tmp_path)
        monkeypatch.delenv(name)
