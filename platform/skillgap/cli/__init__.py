"""``flask --app run ...`` commands: users, content, item banks, the demo; the database
commands are in cli/database.py and the emails in cli/email.py (all importable here)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from skillgap.cli.credentials import credentials_cli
from skillgap.cli.database import (
    backup,
    db_cli,
    db_current,
    db_revision,
    db_upgrade,
    require_current_schema,
)
from skillgap.cli.email import send_digests
from skillgap.cli.levels import levels_cli
from skillgap.content.errors import ContentInvalidError
from skillgap.curriculum.importer import ContentConflictError, import_content
from skillgap.curriculum.snapshot import snapshot_of
from skillgap.db import get_session
from skillgap.models import Team
from skillgap.roles import Role
from skillgap.security import get_hasher
from skillgap.services import accounts, teams
from skillgap.services.accounts import AccountError


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--name", required=True, help="Full name as shown to others.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.LEARNER.value,
    show_default=True,
)
@click.option("--team", help="Team the person belongs to (created if it does not exist).")
@click.option("--manages", multiple=True, help="Team this manager manages; repeatable.")
@click.option("--role-profile", help="Role profile id from courses/framework.yml.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--keep-password",
    is_flag=True,
    help="The person chose this password themselves: no change at first sign-in.",
)
def create_user(
    email: str,
    name: str,
    role: str,
    team: str | None,
    manages: tuple[str, ...],
    role_profile: str | None,
    password_stdin: bool,
    keep_password: bool,
) -> None:
    """Create a user account. Prompts for the password unless --password-stdin.

    Whoever runs the command knows the password, so the person must choose a
    new one at first sign-in, unless --keep-password (creating your own account)."""
    require_current_schema()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    if manages and Role(role) == Role.LEARNER:
        raise click.UsageError(_("--manages needs --role manager or admin."))
    session = get_session()
    if role_profile:
        _check_role_profile(session, role_profile)
    try:
        member_of = _team(session, team) if team else None
        user = accounts.create_user(
            session,
            get_hasher(),
            email=email,
            name=name,
            password=password,
            role=Role(role),
            team=member_of,
            role_profile=role_profile,
            must_change_password=not keep_password,
        )
        for team_name in manages:
            # Held in a name: the session keeps only weak references to clean
            # objects, and a team dropped mid-expression loses the change.
            managed = _team(session, team_name)
            managed.managers.append(user)
    except (AccountError, teams.TeamError) as error:
        session.rollback()
        field = f"{error.field}: " if error.field else ""
        raise click.ClickException(f"{field}{error}") from error
    session.commit()
    click.echo(
        _("Created %(role)s %(email)s (id %(id)s).", role=user.role, email=user.email, id=user.id)
    )
    if not keep_password:
        click.echo(_("They choose a new password when they first sign in."))
    if not role_profile:
        click.echo(
            _(
                "Note: no --role-profile, so the default target (entry level in every skill) "
                "applies until one is chosen (by the person in /account, or an admin)."
            )
        )


def _check_role_profile(session: Session, role_profile: str) -> None:
    known_profiles = {pid for pid, _name in snapshot_of(session).role_profiles}
    if role_profile not in known_profiles:
        raise click.UsageError(
            _(
                "unknown role profile %(profile)r; known: %(known)s",
                profile=role_profile,
                known=", ".join(sorted(known_profiles)),
            )
        )


def _team(session: Session, name: str) -> Team:
    team, created = teams.find_or_create_team(session, name)
    if created:
        click.echo(_("Creating team %(name)r.", name=name))
    return team


@click.command("create-demo")
@with_appcontext
def create_demo() -> None:
    """Create the demo organisation in an empty database and print its sign-ins."""
    from skillgap.services import demo  # numpy: imported by the commands that need it

    require_current_schema()
    session = get_session()
    if demo.has_any_user(session):
        raise click.ClickException(
            _("The database already has users; the demo needs an empty one.")
        )
    from flask import current_app

    from skillgap.startup import format_demo_logins

    logins = demo.create_demo_organisation(
        session, get_hasher(), current_app.config.get("SKILLGAP_DEMO_PASSWORD") or None
    )
    session.commit()
    click.echo(format_demo_logins(logins))


__all__ = [
    "backup",
    "content_cli",
    "create_demo",
    "create_user",
    "db_cli",
    "db_current",
    "db_revision",
    "db_upgrade",
    "items_cli",
    "register_commands",
    "require_current_schema",
    "send_digests",
]

content_cli = AppGroup(
    "content", help="Curriculum and quiz files: import, export, GIFT in and out."
)


@content_cli.command("import")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite items edited in the browser (their version stays in the history).",
)
def content_import(path: Path | None, force: bool) -> None:
    """Validate every file under PATH (default: the bundled content), then import
    it all in one transaction. Any error: all are listed, nothing is changed.
    Items edited in the browser since their last import are not overwritten
    unless --force."""
    from flask import current_app

    require_current_schema()
    root = (path or Path(current_app.config["CONTENT_ROOT"])).resolve()
    if not (root / "courses").is_dir():
        raise click.ClickException(
            _("%(root)s: no courses/ folder here; give the content root", root=root)
        )
    click.echo(_("Importing content from %(root)s", root=root))
    session = get_session()
    try:
        report = import_content(
            session, root, progress=lambda line: click.echo(f"  {line}"), force=force
        )
    except ContentConflictError as conflict:
        session.rollback()
        for line in conflict.conflicts:
            click.echo(line, err=True)
        raise click.ClickException(
            _(
                "%(count)s item(s) were edited in the browser since their last import; "
                "nothing was imported. Export them first, or use --force.",
                count=len(conflict.conflicts),
            )
        ) from conflict
    except ContentInvalidError as invalid:
        session.rollback()
        for error in invalid.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(
            _("%(count)s error(s) found; nothing was imported.", count=len(invalid.errors))
        ) from invalid
    session.commit()
    for line in report.lines():
        click.echo(f"  {line}")
    click.echo(
        _("Done.") if report.changed else _("No changes: the database already matches the files.")
    )


@content_cli.command("export")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
def content_export(path: Path | None) -> None:
    """Write the database's published content to PATH (default: this checkout) in the
    files format; content unchanged since import comes out byte for byte."""
    from flask import current_app

    from skillgap.curriculum.exporter import export_content

    require_current_schema()
    root = (path or Path(current_app.config["CONTENT_ROOT"])).resolve()
    report = export_content(get_session(), root)
    click.echo(
        _(
            "Exported to %(root)s: %(written)s file(s) written, %(unchanged)s already identical.",
            root=root,
            written=report.written,
            unchanged=report.unchanged,
        )
    )


@content_cli.command("stale")
def content_stale() -> None:
    """List content overdue for review, citing a changed metric, or due within 30
    days (as /admin/review does). Exit status 1 when anything is overdue, for a
    scheduled job."""
    from skillgap import clock
    from skillgap.services.content_review import review_report

    require_current_schema()
    report = review_report(get_session(), clock.now().date())
    for line in report.lines():
        click.echo(line)
    if report.stale:
        raise SystemExit(1)


@content_cli.command("gift-import")
@click.argument("gift_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--quiz", "quiz_id", required=True, help="Id of the quiz file to write.")
@click.option("--skill", required=True, help="Skill id every imported question measures.")
@click.option("--title", help="Quiz title (default: from the quiz id).")
@click.option(
    "--kind", type=click.Choice(["check", "diagnostic"]), default="check", show_default=True
)
@click.option("--force", is_flag=True, help="Overwrite an existing quiz file.")
@click.option("--strict", is_flag=True, help="Write nothing if any question is unsupported.")
def gift_import(
    gift_file: Path,
    quiz_id: str,
    skill: str,
    title: str | None,
    kind: str,
    force: bool,
    strict: bool,
) -> None:
    """Convert a Moodle GIFT file into quizzes/QUIZ.md (then run `content import`)."""
    from flask import current_app

    from skillgap.content.gift import parse_gift
    from skillgap.content.quiz_writer import quiz_markdown
    from skillgap.content.source import SLUG

    if not SLUG.match(quiz_id):
        raise click.UsageError(_("--quiz must be lower-case-with-hyphens, like kpi-basics"))
    target = Path(current_app.config["CONTENT_ROOT"]) / "quizzes" / f"{quiz_id}.md"
    if target.exists() and not force:
        raise click.ClickException(_("%(file)s exists; use --force to overwrite it", file=target))
    try:
        text = gift_file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise click.ClickException(_("%(file)s: not UTF-8 text", file=gift_file)) from error
    result = parse_gift(text, skill)
    for problem in result.problems:
        click.echo(f"{gift_file}:{problem.line}: {problem.kind}: {problem.reason}", err=True)
    if strict and result.problems:
        raise click.ClickException(
            _("%(count)s question(s) not supported; nothing written", count=len(result.problems))
        )
    if not result.questions:
        raise click.ClickException(_("no supported questions found; nothing written"))
    title = title or quiz_id.replace("-", " ").capitalize()
    target.write_text(quiz_markdown(title, kind, result.questions), encoding="utf-8")
    click.echo(
        _(
            "Wrote %(count)s question(s) to %(file)s; %(left)s not imported (listed above). "
            "Run `flask --app run content import` to load it.",
            count=len(result.questions),
            file=target,
            left=len(result.problems),
        )
    )


@content_cli.command("gift-export")
@click.argument("quiz_id")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
def gift_export(quiz_id: str, output: Path | None) -> None:
    """Write a quiz's questions (as in the database) in Moodle's GIFT format."""
    from skillgap.content.gift import export_gift
    from skillgap.content.quizzes import OptionSpec, QuestionSpec
    from skillgap.services.assessments import quiz_questions

    require_current_schema()
    questions = quiz_questions(get_session(), quiz_id)
    if not questions:
        raise click.ClickException(
            _("no quiz %(quiz)r with questions in the database", quiz=quiz_id)
        )
    specs = [
        QuestionSpec(
            q.text,
            q.skill_id,
            q.kind,
            tuple(
                OptionSpec(o["text"], o["correct"], o.get("weight"), o.get("feedback", ""))
                for o in q.options
            ),
            q.explanation,
            name=q.name,  # written back as the question's ::name::
            template=q.calculation,  # written as one concrete numerical instance
        )
        for q in questions
    ]
    text = export_gift(specs)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(_("Wrote %(count)s question(s) to %(file)s", count=len(specs), file=output))
    else:
        click.echo(text, nl=False)


items_cli = AppGroup("items", help="Item banks: calibration of their IRT parameters.")


@items_cli.command("calibrate")
@click.option("--skill", help="Only this skill's bank (default: every bank).")
@click.option("--min-responses", type=click.IntRange(min=1), default=200, show_default=True)
def items_calibrate(skill: str | None, min_responses: int) -> None:
    """A new calibration version per skill from first diagnostic attempts (2PL, linked to
    the last); items with fewer than --min-responses answers keep their values."""
    from skillgap.services import calibration_runs  # numpy and scipy: only here

    require_current_schema()
    session = get_session()
    try:
        done = calibration_runs.calibrate(session, skill, min_responses, progress=click.echo)
    except calibration_runs.CalibrationError as error:
        raise click.ClickException(str(error)) from error
    session.commit()
    click.echo("\n".join(run.line() for run in done))


def register_commands(app: Flask) -> None:
    app.cli.add_command(backup)
    app.cli.add_command(db_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(items_cli)
    app.cli.add_command(create_user)
    app.cli.add_command(create_demo)
    app.cli.add_command(send_digests)
    app.cli.add_command(credentials_cli)
    app.cli.add_command(levels_cli)
