"""Every /api/v1 list costs the same number of SQL statements at 3 exporters as at 30, as the dashboard's
pages do (tests/web/test_dashboard_scale.py), and the exporters list pages through every exporter oldest
first, as it always has."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import col, select, update

from store import api_tokens, db
from store.models import Exporter, Membership, User
from tests import factories
from tests.statements import counted
from tests.web.browser import Browser

SHEET = "1SharedBoardPackSheet"  # every seeded exporter writes into it, each into its own tab


def seeded_workspace(app: Flask, name: str, size: int) -> tuple[dict[str, str], factories.Seeded]:
    """A user's workspace with `size` companies and exporters and size² runs; its API token's headers."""
    user = Browser(app.test_client())
    user.sign_up(name, f"{name.lower()}@example.com")
    with db.session_scope() as session:
        user_id, workspace_id = session.exec(
            select(User.id, Membership.workspace_id)
            .join(Membership, col(Membership.user_id) == col(User.id))
            .where(User.email == user.email)
        ).one()
        seeded = factories.dashboard(session, workspace_id, companies=size, exporters=size, runs=size * size)
        session.exec(
            update(Exporter)
            .where(col(Exporter.workspace_id) == workspace_id)
            .values(spreadsheet_id=SHEET, tab=Exporter.name)
        )
        _row, token = api_tokens.issue(session, workspace_id, user_id or 0, "scale")
    return {"Authorization": f"Bearer {token}"}, seeded


def lists(seeded: factories.Seeded, size: int) -> dict[str, tuple[str, int]]:
    """Each list of /api/v1 (some filtered), by name: its URL and how many items it shows at `size`."""
    company, newest = seeded.company_ids[0], seeded.exporter_ids[-1]
    filtered = f"/api/v1/exporters?company_id={company}&source=invoices&status=active"
    return {
        "exporters": ("/api/v1/exporters", size),
        "exporters filtered": (filtered, 1),  # exporter i reads company i (and i + 1 when odd)
        "exporters of a spreadsheet": (f"/api/v1/exporters?spreadsheet_id={SHEET}", size),
        "writing into a spreadsheet": (f"/api/v1/spreadsheets/{SHEET}/exporters", size),
        "runs": ("/api/v1/runs", min(size * size, 50)),
        "an exporter's runs": (f"/api/v1/exporters/{newest}/runs", size),
        "companies": ("/api/v1/companies", size),
        "google accounts": ("/api/v1/google-accounts", 2),
    }


def statements_per_list(app: Flask, api: FlaskClient, user: str, size: int) -> dict[str, int]:
    headers, seeded = seeded_workspace(app, user, size)
    counts = {}
    for name, (url, shown) in lists(seeded, size).items():
        with counted() as statements:
            answer = api.get(url, headers=headers)
        assert answer.status_code == 200, (name, answer.get_json())
        assert len(answer.get_json()["data"]) == shown, name
        counts[name] = len(statements)
    return counts


def test_every_list_costs_the_same_statements_at_3_and_30_exporters(
    database_url, app: Flask, api: FlaskClient
) -> None:
    at_3 = statements_per_list(app, api, "Ada", 3)
    at_30 = statements_per_list(app, api, "Bob", 30)

    assert at_30 == at_3
    print("statements per list:", at_3)
    assert max(at_3.values()) <= 10, at_3


def test_the_exporters_list_pages_through_every_exporter_oldest_first(app: Flask, api: FlaskClient) -> None:
    headers, seeded = seeded_workspace(app, "Ada", 30)
    seen: list[int] = []
    url = "/api/v1/exporters?limit=7"
    while url:
        page = api.get(url, headers=headers).get_json()
        seen += [exporter["id"] for exporter in page["data"]]
        url = f"/api/v1/exporters?limit=7&cursor={page['next_cursor']}" if page["next_cursor"] else ""
    assert seen == seeded.exporter_ids  # in the order they were made, each once
