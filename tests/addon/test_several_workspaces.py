"""A linked user in several workspaces chooses the new exporter's workspace in the card; the companies and
Google accounts offered follow the choice (the dropdown's onChangeAction re-renders the form in place)."""

from __future__ import annotations

import uuid

import requests
from sqlmodel import select

from store import db
from store.models import Exporter, Membership, User, Workspace
from tests.addon.host import AddonHost
from tests.addon.test_sidebar import analyst, click, link, shown_values, top_card, words
from tests.web.oauth import connect_google, connect_quickbooks

DRIVE = "https://www.googleapis.com/auth/drive"


def widget(card: dict, name: str) -> dict | None:
    """The card's input called `name` (its selectionInput or textInput), or None when it shows none."""
    for section in card["sections"]:
        for w in section["widgets"]:
            field = w.get("selectionInput") or w.get("textInput")
            if field and field["name"] == name:
                return field
    return None


def offered(card: dict, name: str) -> dict[str, str]:
    """A selection's items as {text: value}."""
    field = widget(card, name)
    assert field is not None, f"no {name} in {words(card)[:800]}"
    return {item["text"]: item["value"] for item in field["items"]}


def change(host: AddonHost, email: str, card: dict, selection: str, value: str, **form: object) -> dict:
    """Choose `value` in `selection` as Sheets does: its onChangeAction with the form's inputs."""
    field = widget(card, selection)
    assert field is not None and "onChangeAction" in field, words(card)[:800]
    action = field["onChangeAction"]
    parameters = {p["key"]: p["value"] for p in action.get("parameters", [])}
    inputs = shown_values(card) | form | {selection: [value]}
    answer = host.invoke(email, action=action["function"], parameters=parameters, form_inputs=inputs)
    assert answer["status"] == 200, answer
    return answer["body"]


def company(qbo_url: str, name: str) -> str:
    reply = requests.post(f"{qbo_url}/_emulator/companies", json={"name": name, "invoices": 3}, timeout=60)
    return str(reply.json()["realmId"])


def test_a_user_in_two_workspaces_chooses_where_the_exporter_goes(addon: AddonHost, qbo_emulator):
    tag = uuid.uuid4().hex[:6]
    ana_email, bob_email = f"ana-{tag}@example.com", f"bob-{tag}@example.com"
    ana, bob = analyst(addon, "Ana", ana_email), analyst(addon, "Bob", bob_email)
    connect_quickbooks(ana, company(qbo_emulator.url, "Ana Apparel"))
    connect_google(ana, ana_email)
    connect_quickbooks(bob, company(qbo_emulator.url, "Bob Bikes"))
    connect_google(bob, bob_email)
    with db.session_scope() as session:
        ids = {w.name: w.id for w in session.exec(select(Workspace)).all()}
        ana_id = session.exec(select(User.id).where(User.email == ana_email)).one()
        session.add(Membership(user_id=ana_id, workspace_id=ids["Bob's workspace"]))
    sheet = addon.spreadsheet(ana_email, "Two books")
    # Bob's workspace writes as Bob's Google account: Ana shares the spreadsheet with it, as Sheets would.
    requests.post(
        f"{addon.emulator}/drive/v3/files/{sheet}/permissions",
        json={"role": "writer", "type": "user", "emailAddress": bob_email},
        headers={"Authorization": f"Bearer {addon.access_token(ana_email, [DRIVE])}"},
        timeout=30,
    ).raise_for_status()
    link(addon, ana, ana_email)

    home = top_card(addon.invoke(ana_email, sheet, trigger="homepage", file_scope_granted=True)["body"])
    form = top_card(click(addon, ana_email, home, "New exporter"))
    assert offered(form, "workspace_id") == {
        "Ana's workspace": str(ids["Ana's workspace"]),
        "Bob's workspace": str(ids["Bob's workspace"]),
    }
    assert list(offered(form, "company_ids")) == ["Ana Apparel"]
    assert list(offered(form, "google_account_id")) == [ana_email]

    moved = change(addon, ana_email, form, "workspace_id", str(ids["Bob's workspace"]), name="Bikes due")
    assert "updateCard" in moved["renderActions"]["action"]["navigations"][0]
    form = top_card(moved)
    assert list(offered(form, "company_ids")) == ["Bob Bikes"]
    assert list(offered(form, "google_account_id")) == [bob_email]
    assert widget(form, "name")["value"] == "Bikes due"  # what was typed stays
    assert (
        "Bob&#39;s workspace" in form["header"]["subtitle"] or "Bob's workspace" in form["header"]["subtitle"]
    )

    created = click(
        addon,
        ana_email,
        form,
        "Create and run",
        company_ids=[offered(form, "company_ids")["Bob Bikes"]],
        source="invoices",
        tab="Bikes",
    )
    assert "first run is queued" in words(created), words(created)[:2000]
    with db.session_scope() as session:
        made = session.exec(select(Exporter).where(Exporter.name == "Bikes due")).one()
        assert made.workspace_id == ids["Bob's workspace"]

    # A workspace that is not hers, forged into the dropdown: refused, the form stays as it was.
    analyst(addon, "Cy", f"cy-{tag}@example.com")
    with db.session_scope() as session:
        cy_id = session.exec(select(Workspace.id).where(Workspace.name == "Cy's workspace")).one()
    forged = change(addon, ana_email, form, "workspace_id", str(cy_id))
    assert forged["renderActions"]["action"]["notification"]["text"] == "That workspace is not one of yours."
    assert "navigations" not in forged["renderActions"]["action"]


def test_a_user_in_one_workspace_is_not_asked_which(addon: AddonHost):
    email = f"di-{uuid.uuid4().hex[:6]}@example.com"
    di = analyst(addon, "Di", email)
    sheet = addon.spreadsheet(email, "One book")
    link(addon, di, email)
    home = top_card(addon.invoke(email, sheet, trigger="homepage", file_scope_granted=True)["body"])
    form = top_card(click(addon, email, home, "New exporter"))
    assert widget(form, "workspace_id") is None and "Di's workspace" in form["header"]["subtitle"]
