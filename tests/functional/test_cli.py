"""flask --app run create-user / create-demo / db upgrade."""

from __future__ import annotations

from sqlalchemy import select

from skillgap.models import Team, User
from tests import factories
from tests.conftest import login, reread


def test_create_user_reads_the_password_from_stdin(app, db, bundled_content):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "Ola@Example.org",
            "--name",
            "Ola Nowak",
            "--role",
            "manager",
            "--team",
            "Growth",
            "--manages",
            "Growth",
            "--role-profile",
            "head-of-social",
            "--password-stdin",
        ],
        input="a long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    assert "Creating team 'Growth'." in result.output
    assert "Created manager ola@example.org" in result.output
    reread(db)
    ola = db.scalar(select(User).where(User.email == "ola@example.org"))
    growth = db.scalar(select(Team).where(Team.name == "Growth"))
    assert ola.team_id == growth.id and [m.id for m in growth.managers] == [ola.id]
    assert ola.role_profile == "head-of-social"
    assert login(app.test_client(), "ola@example.org", "a long enough secret").status_code == 302


def test_create_user_prompts_for_the_password_twice(app, db):
    result = app.test_cli_runner().invoke(
        args=["create-user", "p@example.org", "--name", "P"],
        input="prompted password 1\nprompted password 1\n",
    )
    assert result.exit_code == 0, result.output
    assert login(app.test_client(), "p@example.org", "prompted password 1").status_code == 302


def test_create_user_errors_are_clear_and_change_nothing(app, db):
    factories.make_user(db, email="taken@example.org")
    db.commit()
    runner = app.test_cli_runner()
    cases = [
        (["taken@example.org", "--name", "T"], "long enough password", "already exists"),
        (["new@example.org", "--name", "N"], "short", "Use at least 12 characters."),
        (["new@example.org", "--name", "N", "--role", "owner"], "x" * 12, "Invalid value"),
        (
            ["new@example.org", "--name", "N", "--role-profile", "astronaut"],
            "x" * 12,
            "unknown role profile",
        ),
        (["new@example.org", "--name", "N", "--manages", "Team"], "x" * 12, "--manages needs"),
        (["new@example.org", "--name", "\u200b"], "x" * 12, "name: Use at least one letter"),
        (
            ["new@example.org", "--name", "N", "--team", "\u202eTeam"],
            "x" * 12,
            "name: Remove the text-direction characters",
        ),
    ]
    for args, password, message in cases:
        result = runner.invoke(
            args=["create-user", *args, "--password-stdin"], input=password + "\n"
        )
        assert result.exit_code != 0
        assert message in result.output
    reread(db)
    assert db.scalar(select(User).where(User.email == "new@example.org")) is None
    assert db.scalar(select(Team)) is None


def test_db_upgrade_on_a_current_database_says_so(app):
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0
    assert "already at revision" in result.output


def test_create_demo_builds_the_demo_organisation_once(app, db):
    app.config["SKILLGAP_DEMO_PASSWORD"] = "demo password 123"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-demo"])
    assert result.exit_code == 0, result.output
    assert "manager@example.com" in result.output
    reread(db)
    social = db.scalar(select(Team).where(Team.name == "Social"))
    assert [m.email for m in social.managers] == ["manager@example.com"]
    assert sorted(m.email for m in social.members) == [
        f"learner{n}@example.com" for n in range(1, 7)
    ]
    profiles = {m.role_profile for m in social.members}
    assert len(profiles) >= 3  # varied role profiles
    again = runner.invoke(args=["create-demo"])
    assert again.exit_code != 0 and "already has users" in again.output


def test_backup_copies_a_consistent_sqlite_database(app, db, tmp_path):
    import sqlite3

    from skillgap.db import is_sqlite

    if not is_sqlite(app.config["DATABASE_URL"]):
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.db")])
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    factories.make_user(db, email="kept@example.org")
    db.commit()
    target = tmp_path / "backup.db"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "integrity check: ok" in result.output
    with sqlite3.connect(target) as copy:
        emails = [row[0] for row in copy.execute("SELECT email FROM users")]
    assert emails == ["kept@example.org"]
    again = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "exists" in again.output


def test_create_user_manages_a_team_without_being_a_member(app, db, bundled_content):
    result = app.test_cli_runner().invoke(
        args=["create-user", "mm@example.org", "--name", "Mo", "--role", "manager",
              "--manages", "Growth", "--password-stdin"],
        input="a long enough secret\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    reread(db)
    growth = db.scalar(select(Team).where(Team.name == "Growth"))
    mo = db.scalar(select(User).where(User.email == "mm@example.org"))
    assert [m.id for m in growth.managers] == [mo.id] and mo.team_id is None
