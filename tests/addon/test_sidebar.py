"""The sidebar as an analyst uses it, through the emulator's add-on host: link the account, grant the
spreadsheet, create an exporter into it, watch it run, refresh it; and never see another workspace's."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlsplit

import requests
from rq import Queue, Worker
from sqlmodel import select
from werkzeug.test import TestResponse as Response

from store import db
from store.models import Run, RunStatus, Workspace
from tests import factories
from tests.addon.host import AddonHost, links
from tests.web.browser import PASSWORD, Browser
from tests.web.oauth import connect_google, connect_quickbooks, consent_redirect
from web import create_app
from workers.queue import get_redis, queue_names


def top_card(body: dict) -> dict:
    """The card a response shows last (trigger, widget action or authorization prompt envelope)."""
    action = (
        body.get("action")
        or body.get("renderActions", {}).get("action")
        or body["custom_authorization_prompt"]["action"]
    )
    cards = [n.get("pushCard") or n.get("updateCard") for n in action.get("navigations", [])]
    return [c for c in cards if c][-1]


def words(node: object) -> str:
    """Every string of a card, for asserting what the analyst reads."""
    return json.dumps(node, ensure_ascii=False)


def on_click(card: dict, text: str) -> dict:
    """The onClick of the first button labelled `text` (widgets and the fixed footer)."""
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("text") == text and "onClick" in node:
                found.append(node["onClick"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    assert found, f"no button {text!r} in {words(card)[:500]}"
    return found[0]


def shown_values(card: dict) -> dict[str, object]:
    """The card's inputs as shown: text values and selected items (what a user who changes nothing sends)."""
    values: dict[str, object] = {}
    for section in card.get("sections", []):
        for widget in section["widgets"]:
            if "textInput" in widget:
                values[widget["textInput"]["name"]] = widget["textInput"].get("value", "")
            elif "selectionInput" in widget:
                chosen = [i["value"] for i in widget["selectionInput"]["items"] if i.get("selected")]
                values[widget["selectionInput"]["name"]] = chosen
    return values


def click(host: AddonHost, email: str, card: dict, text: str, **form: object) -> dict:
    """Press a card's action button as Sheets would: its function, its parameters, the form's inputs
    (as shown, with `form`'s changes)."""
    action = on_click(card, text)["action"]
    parameters = {p["key"]: p["value"] for p in action.get("parameters", [])}
    inputs = shown_values(card) | form
    answer = host.invoke(email, action=action["function"], parameters=parameters, form_inputs=inputs)
    assert answer["status"] == 200, answer
    return answer["body"]


def analyst(host: AddonHost, name: str, email: str) -> Browser:
    browser = Browser(create_app({"SETTINGS": host.settings, "TESTING": True}).test_client())
    browser.sign_up(name, email)
    return browser


def link_url(host: AddonHost, google_email: str) -> str:
    """The URL the add-on's "Sign in to Sheetbooks" button opens for this Google account."""
    host.install(google_email)
    prompt = top_card(host.invoke(google_email, trigger="homepage")["body"])
    return str(on_click(prompt, "Sign in to Sheetbooks")["openLink"]["url"])


def confirm_link(browser: Browser, url: str, signs_in_to_google_as: str, button: str = "allow") -> Response:
    """In the link window of a signed-in analyst: confirm, sign in to Google as someone, come back."""
    browser.get(url)
    authorize = browser.redirect_of(browser.form("Link"))
    back = urlsplit(consent_redirect(authorize, button, email=signs_in_to_google_as))
    assert back.path == "/addon/link/google"
    response = browser.client.get(f"{back.path}?{back.query}")
    browser._done(response)
    return response


def link(host: AddonHost, browser: Browser, google_email: str) -> None:
    """Open the add-on, follow its sign-in button as the signed-in analyst, confirm the link and sign in
    to Google as the same account."""
    url = link_url(host, google_email)
    assert google_email in browser.get(url).text
    confirm_link(browser, url, google_email)
    assert "is linked to" in browser.page.text


def work() -> None:

    redis = get_redis()
    Worker([Queue(name, connection=redis) for name in queue_names()], connection=redis).work(burst=True)


def test_link_grant_create_run_refresh(addon: AddonHost, qbo_emulator):
    realm = requests.post(
        f"{qbo_emulator.url}/_emulator/companies",
        json={"name": "Sidebar Supplies", "invoices": 25},
        timeout=60,
    ).json()["realmId"]
    email = f"ana-{uuid.uuid4().hex[:6]}@example.com"
    ana = analyst(addon, "Ana", email)
    connect_quickbooks(ana, str(realm))
    connect_google(ana, email)
    sheet = addon.spreadsheet(email, "Q3 books")

    link(addon, ana, email)
    home = addon.invoke(email, sheet, trigger="homepage")["body"]
    grant = top_card(home)
    assert "this spreadsheet only" in words(grant)
    assert click(addon, email, grant, "Grant access to this spreadsheet") == {
        "renderActions": {"hostAppAction": {"editorAction": {"requestFileScopeForActiveDocument": {}}}}
    }
    home = top_card(addon.invoke(email, sheet, trigger="fileScopeGranted")["body"])
    assert "Q3 books" in words(home) and "No exporter of yours writes" in words(home)

    form = top_card(click(addon, email, home, "New exporter"))
    company = next(
        i
        for i in form["sections"][0]["widgets"]
        if "selectionInput" in i and i["selectionInput"]["name"] == "company_ids"
    )
    company_id = company["selectionInput"]["items"][0]["value"]
    refused = click(
        addon,
        email,
        form,
        "Create and run",
        name="",
        company_ids=[company_id],
        source="invoices",
        tab="Invoices",
        write_mode="replace",
        schedule="0 * * * *",
    )
    assert "Name the exporter." in words(top_card(refused))
    created = click(
        addon,
        email,
        form,
        "Create and run",
        name="<b>Open</b> invoices",
        company_ids=[company_id],
        source="invoices",
        tab="Invoices",
        write_mode="replace",
        schedule="0 * * * *",
    )
    assert "first run is queued" in words(created), words(created)[:3000]
    home = top_card(created)
    assert "&lt;b&gt;Open&lt;/b&gt; invoices" in words(home) and "Refresh queued" in words(home)
    assert "Hourly" in words(home) and "Sidebar Supplies" in words(home)

    work()
    home = top_card(addon.invoke(email, sheet, trigger="homepage")["body"])
    assert "Succeeded" in words(home) and "25 rows" in words(home), words(home)[:2000]
    token = addon.access_token(email, ["https://www.googleapis.com/auth/spreadsheets"])
    values = requests.get(
        f"{addon.emulator}/v4/spreadsheets/{sheet}/values/Invoices",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()["values"]
    assert len(values) == 26 and values[0][0] == "Number"  # the header and 25 invoices

    again = click(
        addon,
        email,
        form,
        "Create and run",
        name="Twice",
        company_ids=[company_id],
        source="invoices",
        tab="invoices",
        write_mode="replace",
        schedule="0 * * * *",
    )
    assert "already writes the tab" in words(top_card(again))

    refreshed = click(addon, email, home, "Refresh now")
    assert "refresh queued" in refreshed["renderActions"]["action"]["notification"]["text"]
    assert "Refresh queued" in words(top_card(refreshed))


def test_a_linked_user_never_sees_another_workspaces_exporter(addon: AddonHost):
    ana_email, bob_email = (f"{n}-{uuid.uuid4().hex[:6]}@example.com" for n in ("ana", "bob"))
    ana, bob = analyst(addon, "Ana", ana_email), analyst(addon, "Bob", bob_email)
    sheet = addon.spreadsheet(ana_email, "Shared books")
    with db.session_scope() as session:
        ws = {w.name: w.id for w in session.exec(select(Workspace)).all()}
        ours = factories.exporter(
            session, ws["Ana's workspace"], name="Ana's invoices", spreadsheet_id=sheet, tab="A"
        )
        theirs = factories.exporter(
            session, ws["Bob's workspace"], name="Bob's vendors", spreadsheet_id=sheet, tab="B"
        )
        ours_id, theirs_id = ours.id, theirs.id
    link(addon, ana, ana_email)
    link(addon, bob, bob_email)
    assert {row.google_email for row in links()} == {ana_email, bob_email}

    for email, mine, other in (
        (ana_email, "Ana's invoices", "Bob's vendors"),
        (bob_email, "Bob's vendors", "Ana's invoices"),
    ):
        home = top_card(addon.invoke(email, sheet, trigger="homepage", file_scope_granted=True)["body"])
        assert mine.replace("'", "&#39;") in words(home) and other.replace("'", "&#39;") not in words(home)

    # Ana presses a forged "Refresh now" for Bob's exporter: refused, nothing queued.
    url = f"{addon.backend}/addon/actions/refresh"
    answer = addon.invoke(
        ana_email,
        sheet,
        action=url,
        parameters={"exporter_id": str(theirs_id), "spreadsheet_id": sheet},
        file_scope_granted=True,
    )
    assert (
        answer["body"]["renderActions"]["action"]["notification"]["text"]
        == "That exporter is not one of your workspace's."
    )
    with db.session_scope() as session:
        assert session.exec(select(Run).where(Run.exporter_id == theirs_id)).first() is None
    assert ours_id != theirs_id


def test_a_running_refresh_shows_its_progress_and_unlinking_asks_to_sign_in_again(addon: AddonHost):
    email = f"cy-{uuid.uuid4().hex[:6]}@example.com"
    cy = analyst(addon, "Cy", email)
    sheet = addon.spreadsheet(email, "Running books")
    with db.session_scope() as session:
        workspace = session.exec(select(Workspace).where(Workspace.name == "Cy's workspace")).one()
        exporter = factories.exporter(
            session, workspace.id, name="Big ledger", spreadsheet_id=sheet, tab="GL"
        )
        session.add(
            Run(
                exporter_id=exporter.id,
                workspace_id=workspace.id,
                status=RunStatus.RUNNING,
                progress="Fetched 2,000 of 5,400 invoices from Cy Co",
            )
        )
    link(addon, cy, email)
    home = top_card(addon.invoke(email, sheet, trigger="homepage", file_scope_granted=True)["body"])
    assert "Refreshing… Fetched 2,000 of 5,400 invoices from Cy Co" in words(home)
    assert on_click(home, "Refresh now") and '"disabled": true' in words(home)

    page = cy.get("/account")
    assert email in page.text
    cy.submit(cy.form("Unlink"))
    assert "Unlinked" in cy.page.text and links() == []
    again = addon.invoke(email, sheet, trigger="homepage", file_scope_granted=True)["body"]
    assert "custom_authorization_prompt" in again


def test_the_deployment_names_our_endpoints_under_public_url(addon: AddonHost):
    """Every runFunction of `sheetbooks addon deployment` is an endpoint of ours at PUBLIC_URL + path, and
    the Add-ons API stored it as printed."""
    from web.addon.deployment import deployment_resource

    resource = deployment_resource(addon.settings)
    stored = requests.get(
        f"{addon.emulator}/v1/projects/sheetbooks-emulator/deployments/{addon.deployment}",
        headers={"Authorization": f"Bearer {addon.access_token('developer@example.com')}"},
        timeout=30,
    ).json()
    assert stored["addOns"] == resource["addOns"] and stored["oauthScopes"] == resource["oauthScopes"]
    assert set(resource["oauthScopes"]) == {
        "https://www.googleapis.com/auth/userinfo.email",
        "https://www.googleapis.com/auth/drive.file",
        "https://www.googleapis.com/auth/script.locale",
    }
    functions = [
        resource["addOns"]["common"]["homepageTrigger"]["runFunction"],
        resource["addOns"]["sheets"]["homepageTrigger"]["runFunction"],
        resource["addOns"]["sheets"]["onFileScopeGrantedTrigger"]["runFunction"],
    ]
    app = create_app({"SETTINGS": addon.settings})
    adapter = app.url_map.bind("localhost")
    for url in functions:
        assert url.startswith(addon.backend + "/addon/")
        endpoint, _ = adapter.match(url[len(addon.backend) :], method="POST")
        assert endpoint.startswith("addon.")


def test_the_link_window_signs_in_itself_without_coop(addon: AddonHost):
    """The sign-in window never sends Cross-Origin-Opener-Policy (the add-on would miss its closing), so it
    signs in on its own page; a forged or stale state is refused."""
    email = f"di-{uuid.uuid4().hex[:6]}@example.com"
    analyst(addon, "Di", email)
    addon.install(email)
    prompt = top_card(addon.invoke(email, trigger="homepage")["body"])
    url = on_click(prompt, "Sign in to Sheetbooks")["openLink"]["url"]
    anonymous = Browser(create_app({"SETTINGS": addon.settings, "TESTING": True}).test_client())
    response = anonymous.client.get(url[len(addon.backend) :])
    assert response.status_code == 200 and "Cross-Origin-Opener-Policy" not in response.headers
    anonymous._done(response)
    anonymous.submit(anonymous.form("Log in"), email=email, password="wrong password!")
    assert "don't match an account" in anonymous.page.text and links() == []
    anonymous.submit(anonymous.form("Log in"), email=email, password=PASSWORD)
    linked = confirm_link(anonymous, url, email)
    assert linked.status_code == 200 and "Cross-Origin-Opener-Policy" not in linked.headers
    assert [row.google_email for row in links()] == [email]
    forged = anonymous.client.get("/addon/link?state=" + url.rsplit("=", 1)[1][:-3] + "abc")
    assert forged.status_code == 400 and "expired or is not valid" in forged.get_data(as_text=True)
