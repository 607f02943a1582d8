"""Connecting QuickBooks companies through the emulator's consent page, reconnect, disconnect, remove."""

from __future__ import annotations

import pytest
import requests
from sqlmodel import Session, select

from connections.company_tokens import CompanyTokenStore
from store.db import get_engine
from store.models import Company, CompanyStatus, Exporter, ExporterCompany, Run
from tests.qbo.intuit import Admin
from tests.web.browser import Browser, form_with_button
from tests.web.oauth import connect_quickbooks, consent_redirect
from tests.web.test_workspaces import invite_link


@pytest.fixture
def emulators(qbo_emulator, google_emulator):
    return qbo_emulator, google_emulator


def new_realm(qbo_emulator, name: str) -> str:
    reply = requests.post(f"{qbo_emulator.url}/_emulator/companies", json={"name": name}, timeout=30)
    reply.raise_for_status()
    return str(reply.json()["realmId"])


def companies() -> list[Company]:
    with Session(get_engine()) as session:
        return list(session.exec(select(Company).order_by(Company.id)).all())


def test_connect_shows_company_name_and_realm(user: Browser, qbo_emulator) -> None:
    realm = new_realm(qbo_emulator, "Ada Landscaping")
    page = connect_quickbooks(user, realm)
    assert page.has(f"Connected Ada Landscaping (realm {realm})")
    assert page.has("Ada Landscaping") and page.has(f"Realm ID {realm}")
    assert page.has("connected") and page.has("com.intuit.quickbooks.accounting")
    assert page.has("never creates, changes or deletes anything in QuickBooks")
    [company] = companies()
    assert company.status == CompanyStatus.CONNECTED and company.refresh_token_enc
    assert company.last_api_success_at is not None


def test_several_companies_and_reconnect_keeps_one_row(user: Browser, qbo_emulator) -> None:
    first, second = new_realm(qbo_emulator, "First Co"), new_realm(qbo_emulator, "Second Co")
    connect_quickbooks(user, first)
    page = connect_quickbooks(user, second)
    assert page.has("First Co") and page.has("Second Co")
    page = connect_quickbooks(user, first)
    assert page.has(f"First Co (realm {first}) was already connected: its connection was updated")
    assert [c.realm_id for c in companies()] == [first, second]


def test_wrong_state_exchanges_nothing(user: Browser, qbo_emulator) -> None:
    realm = new_realm(qbo_emulator, "Forged Co")
    authorize = user.redirect_of(form_with_button(user.get("/companies/"), "Connect QuickBooks"))
    back = consent_redirect(authorize, "Connect", realmId=realm)
    forged = back.replace("state=", "state=x")
    page = user.get(forged)
    assert page.has("could not be verified") and page.has("Nothing changed")
    assert companies() == []
    # the genuine callback still works once: the forged one spent nothing
    assert user.get(back).has("Connected Forged Co")


def test_cancel_at_intuit(user: Browser, qbo_emulator) -> None:
    page = connect_quickbooks(user, new_realm(qbo_emulator, "Cancelled Co"), button="Cancel")
    assert page.has("You cancelled the connection in QuickBooks; nothing changed.")
    assert companies() == []


def _exporter_for(company: Company, name: str) -> int:
    with Session(get_engine()) as session:
        exporter = Exporter(workspace_id=company.workspace_id, name=name, source="invoices")
        session.add(exporter)
        session.flush()
        session.add(ExporterCompany(exporter_id=exporter.id, company_id=company.id))
        session.add(Run(exporter_id=exporter.id, workspace_id=company.workspace_id, status="succeeded"))
        session.commit()
        return exporter.id


def test_disconnect_says_what_happens_then_pauses_and_reconnect_resumes(user: Browser, qbo_emulator) -> None:
    realm = new_realm(qbo_emulator, "Paused Co")
    connect_quickbooks(user, realm)
    [company] = companies()
    exporter_id = _exporter_for(company, "Paused invoices")
    page = user.get(user.get("/companies/").link("Disconnect"))
    for text in ("revokes its access", "deletes the company's tokens", "1 exporter reading this company"):
        assert page.has(text)
    assert page.has("Paused invoices") and page.has("Reconnecting the company later restores them")
    page = user.submit(user.form("Disconnect"))
    assert page.has("Disconnected Paused Co: tokens deleted and 1 exporter paused")
    assert page.has("disconnected")
    [company] = companies()
    assert company.refresh_token_enc == "" and company.status == CompanyStatus.DISCONNECTED
    with Session(get_engine()) as session:
        assert session.get(Exporter, exporter_id).enabled is False
    connect_quickbooks(user, realm)
    with Session(get_engine()) as session:
        assert session.get(Exporter, exporter_id).enabled is True
    assert companies()[0].status == CompanyStatus.CONNECTED


def test_remove_needs_the_typed_name(user: Browser, qbo_emulator) -> None:
    connect_quickbooks(user, new_realm(qbo_emulator, "Gone Co"))
    [company] = companies()
    exporter_id = _exporter_for(company, "Gone invoices")
    page = user.get(user.get("/companies/").link("Remove company"))
    assert page.has("deletes 1 exporter") and page.has("Gone invoices") and page.has("(1 run)")
    page = user.submit(user.form("Remove company"), confirm_name="Gone")
    assert page.has("Type Gone Co exactly to confirm")
    assert len(companies()) == 1
    page = user.submit(user.form("Remove company"), confirm_name="Gone Co")
    assert page.has("Removed Gone Co, 1 exporter(s) and their run history")
    assert companies() == []
    with Session(get_engine()) as session:
        assert session.get(Exporter, exporter_id) is None


def test_disconnect_revokes_the_grant_at_intuit(user: Browser, qbo_emulator) -> None:
    realm = new_realm(qbo_emulator, "Revoked Co")
    connect_quickbooks(user, realm)
    intuit = Admin(qbo_emulator.url)
    assert [grant["revoked"] for grant in intuit.grants(realm)] == [False]
    user.get(user.get("/companies/").link("Disconnect"))
    page = user.submit(user.form("Disconnect"))
    assert page.has("Disconnected Revoked Co") and not page.has("Intuit did not confirm")
    assert [grant["revoked"] for grant in intuit.grants(realm)] == [True]


def test_reconnecting_with_another_realm_adds_a_company_and_leaves_the_first_alone(
    user: Browser, qbo_emulator
) -> None:
    first, second = new_realm(qbo_emulator, "Kept Co"), new_realm(qbo_emulator, "Other Co")
    connect_quickbooks(user, first)
    [kept] = companies()
    exporter_id = _exporter_for(kept, "Kept invoices")
    tokens_before = CompanyTokenStore(kept.id).load()

    authorize = user.redirect_of(form_with_button(user.get("/companies/"), "Reconnect"))
    page = user.get(consent_redirect(authorize, "Connect", realmId=second))

    assert page.has(f"Connected Other Co (realm {second})")
    kept_now, added = companies()
    assert (kept_now.id, kept_now.realm_id, kept_now.name) == (kept.id, first, "Kept Co")
    assert added.realm_id == second and added.name == "Other Co"
    assert CompanyTokenStore(kept.id).load().refresh_token == tokens_before.refresh_token
    with Session(get_engine()) as session:
        links = session.exec(select(ExporterCompany).where(ExporterCompany.exporter_id == exporter_id)).all()
    assert [link.company_id for link in links] == [kept.id]


def test_a_connection_started_in_one_workspace_never_lands_in_another(
    user: Browser, other: Browser, qbo_emulator
) -> None:
    user.get(invite_link(other))  # Bob invites Ada: she now has two workspaces, Bob's is current
    user.submit(user.form("Join the workspace"))
    realm = new_realm(qbo_emulator, "Crossed Co")
    authorize = user.redirect_of(form_with_button(user.get("/companies/"), "Connect QuickBooks"))
    back = consent_redirect(authorize, "Connect", realmId=realm)  # started in Bob's workspace

    switch = form_with_button(user.get("/"), "Switch workspace")
    own = next(v for v in switch.choices["workspace_id"] if v != switch.fields["workspace_id"])
    user.submit(switch, workspace_id=own)
    page = user.get(back)

    assert page.has("could not be verified") and companies() == []


def test_a_callback_naming_another_realm_connects_nothing(user: Browser, qbo_emulator) -> None:
    mine, theirs = new_realm(qbo_emulator, "Mine Co"), new_realm(qbo_emulator, "Theirs Co")
    authorize = user.redirect_of(form_with_button(user.get("/companies/"), "Connect QuickBooks"))
    back = consent_redirect(authorize, "Connect", realmId=mine)
    assert f"realmId={mine}" in back
    page = user.get(back.replace(f"realmId={mine}", f"realmId={theirs}"))
    assert page.has(f"did not let this sign-in read company {theirs}") and page.has("not connected")
    assert companies() == []
