"""``flask --app run credentials ...``: check a credential file, and manage the
signing keys (README "Credentials": backing up and rotating them)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from skillgap.cli.database import require_current_schema
from skillgap.credentials.blueprint import EXTENSION, keyring
from skillgap.db import get_session
from skillgap.services import credential_keys, credentials

credentials_cli = AppGroup("credentials", help="Verifiable skill credentials and their keys.")


def _site() -> credentials.Site:
    base = current_app.config.get("SKILLGAP_BASE_URL") or ""
    return credentials.Site(base.rstrip("/"), current_app.config["ISSUER_NAME"])


@credentials_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(file: Path) -> None:
    """Check FILE (a .jwt credential): signature, issuer, dates and revocation,
    against this installation's keys and status list. Exit status 1 if any fails."""
    require_current_schema()
    text = file.read_text(encoding="utf-8-sig", errors="replace").strip()
    report = credentials.verify(get_session(), text, _site(), keyring())
    for check in report.checks:
        verdict = "ok" if check.ok else "FAILED"
        click.echo(f"{check.name}: {verdict}: {check.detail}")
    if report.ok and report.credential:
        click.echo(_("Verified: %(name)s", name=report.credential.get("name", "")))
        return
    click.echo(_("Not verified."))
    sys.exit(1)


@credentials_cli.command("rotate-key")
def rotate_key() -> None:
    """Make a new signing key in the key file; old keys keep verifying."""
    require_current_schema()
    try:
        before, after = credential_keys.rotate(current_app.config)
    except credential_keys.CredentialKeyError as error:
        raise click.ClickException(str(error)) from error
    session = get_session()
    credential_keys.record(session, before)
    credential_keys.record(session, after)
    session.commit()
    current_app.extensions.pop(EXTENSION, None)
    click.echo(
        _(
            "New signing key %(new)s in %(file)s; the previous key %(old)s now only verifies. "
            "Restart the other instances if they read another copy of the file.",
            new=after.kid,
            file=after.source,
            old=before.kid,
        )
    )


@credentials_cli.command("new-key-set")
def new_key_set() -> None:
    """Print a key set with a new signing key first and the current keys' public
    halves after, for SKILLGAP_CREDENTIAL_KEYS (keys kept outside the instance)."""
    click.echo(credential_keys.new_key_set(keyring()), nl=False)


@credentials_cli.command("keys")
def list_keys() -> None:
    """List the public keys credentials are checked against."""
    require_current_schema()
    ring = keyring()
    session = get_session()
    credential_keys.record(session, ring)
    session.commit()
    for jwk in credential_keys.all_public_keys(session, ring):
        role = _("signs") if jwk["kid"] == ring.kid else _("verifies only")
        click.echo(f"{jwk['kid']}  {role}")
