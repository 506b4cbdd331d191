"""Messages built in code outside the views, in Dutch: form errors (names,
passwords), invitation and sign-in failures, item statistics, the metric
calculator, the CSV import's problems, role and quiz-kind labels, and the
messages that need a context to get their own Dutch (the review list's
reasons: test_content_review)."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from flask import render_template_string

from skillgap.admin.forms import ROLE_LABELS
from skillgap.admin.words import AUDIT_WORDS, QUIZ_KINDS
from skillgap.auth import oidc
from skillgap.inputs import name_problem
from skillgap.passwords import password_problem
from skillgap.roles import Role
from skillgap.services import invitations
from skillgap.services.item_stats import ItemStat, Parameters
from skillgap.services.metric_dictionary import calculate
from tests import factories
from tests.conftest import csrf_token, login

DUTCH = {"Accept-Language": "nl"}


@pytest.fixture
def dutch(app):
    with app.test_request_context("/", headers=DUTCH):
        yield


def test_form_errors_of_names_and_passwords(dutch):
    assert name_problem("\u202eabc") == "Haal de tekens voor tekstrichting uit dit veld."
    assert name_problem("!!") == "Gebruik minstens één letter of cijfer."
    assert password_problem("short") == "Gebruik minstens 12 tekens."


def test_invitation_and_sign_in_failures(dutch, db):
    with pytest.raises(invitations.InvitationError, match="Deze uitnodigingslink is niet geldig"):
        invitations.find(db, "no-such-token")
    okta = SimpleNamespace(label="Okta")
    assert oidc.down(okta) == (
        "Okta reageert op dit moment niet. Probeer het over een paar minuten opnieuw."
    )
    assert str(oidc.INVALID).startswith("Het inloggen kon niet worden gecontroleerd")


def test_item_statistics_flags_and_sources(dutch):
    stat = ItemStat(question=None, answers=40, facility=10.0, discrimination=-0.2)
    assert stat.flags == [
        "erg moeilijk (minder dan 20% goed)",
        "negatief onderscheidend vermogen: controleer de antwoordsleutel en de formulering",
    ]
    prior = Parameters(0, 1.0, 0.0, 0, estimated=False, fit_flag=None, on_prior=True)
    assert prior.source == "prior (uit het niveaulabel)"
    assert Parameters(3, 1.2, 0.4, 250, True, None, False).source == "gekalibreerd (versie 3)"


def test_the_calculator_speaks_dutch_numbers(dutch, db, content):
    from skillgap.curriculum.snapshot import snapshot_of

    frequency = snapshot_of(db).metrics["frequency"]
    typed = calculate(frequency, {"impressions": "lots", "reach": "0"})
    assert typed.errors["impressions"] == "Vul een getal in, zoals 12000 of 12.000,5."
    by_zero = calculate(frequency, {"impressions": "1.200", "reach": "0"})
    assert by_zero.problem == "Reach is nul, en een ratio kan niet door nul delen."
    assert calculate(frequency, {"impressions": "1.200", "reach": "480"}).result == 2.5


def test_the_csv_import_reports_its_problems_in_dutch(admin, db):
    def preview(text: str) -> str:
        data = {
            "csrf_token": csrf_token(admin, "/admin/users/import"),
            "action": "preview",
            "file": (io.BytesIO(text.encode()), "people.csv"),
        }
        response = admin.post(
            "/admin/users/import", data=data, content_type="multipart/form-data", headers=DUTCH
        )
        assert response.status_code == 422
        return response.get_data(as_text=True)

    rows = preview("email,name,role\n,Ann,owner\nb@example.org,\u202eBen,learner\n")
    assert "Rij 1: email ontbreekt; role &#39;owner&#39; is niet een van: learner, manager" in rows
    assert "Rij 2: name: Haal de tekens voor tekstrichting uit dit veld." in rows
    header = preview("email,name,,phone\na@example.org,Ann,x,y\n")
    assert "onbekende kolommen: (leeg), phone" in header


def test_role_labels_have_one_place_and_their_own_dutch(app, admin, db):
    with app.test_request_context("/", headers=DUTCH):
        assert [str(ROLE_LABELS[role]) for role in Role] == ["Deelnemer", "Manager", "Beheerder"]
        assert Role.ADMIN.label == "Beheerder"
    with app.test_request_context("/"):
        assert [role.label for role in Role] == ["Learner", "Manager", "Admin"]
    page = admin.get("/admin/users", headers=DUTCH).get_data(as_text=True)
    assert "<td>Beheerder</td>" in page  # the role; the menu item is the section
    assert ">Beheer</a>" in page


def test_words_that_mean_two_things_get_their_own_dutch(dutch):
    assert str(AUDIT_WORDS["content.unpublish"]) == "Publicatie ingetrokken"
    shown = render_template_string(
        "{{ _('Unpublished') }}|{{ pgettext('state', 'Done') }}|{{ _('Done') }}"
    )
    assert shown == "Niet gepubliceerd|Afgerond|Klaar"


def test_quiz_kinds_are_words_on_the_admin_pages(admin, db):
    assert str(QUIZ_KINDS["check"]) == "module check"
    page = admin.get("/admin/content", headers=DUTCH).get_data(as_text=True)
    assert "(kennischeck)" in page and "(check)" not in page


def test_the_pass_mark_is_a_dutch_percentage(app, db, content, client):
    learner = factories.make_user(db, email="lee@example.org")
    db.commit()
    login(client, learner.email)
    module = "second-steps"  # has a check (tests/fixtures/content)
    response = client.post(
        f"/modules/{module}/complete",
        data={"csrf_token": csrf_token(client, f"/modules/{module}")},
        headers=DUTCH,
        follow_redirects=True,
    )
    assert "(60% of meer)" in response.get_data(as_text=True)  # on the check's page
