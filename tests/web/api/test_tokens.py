"""API tokens: created on the workspace page (CSRF) or by the command line, shown once, kept as a hash,
last use recorded, revoked and expired tokens refused, and a per-token limit in Redis."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlmodel import Session, select

from store.api_tokens import hash_of
from store.db import get_engine
from store.models import ApiToken, utcnow
from tests.web.api.conftest import Workspace, token_for
from web import cli


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def stored_text() -> str:
    """Every value of every API token row, as text (what a database dump would show)."""
    with get_engine().connect() as connection:
        return repr(connection.execute(sa.text("SELECT * FROM apitoken")).all())


def test_token_lifecycle_on_the_workspace_page(api: FlaskClient, ours: Workspace) -> None:
    browser = ours.browser
    browser.get("/workspace/members")
    page = browser.submit(
        browser.form("Create an API token"), "Create an API token", name="Month-end script", expires="30"
    )
    [token] = re.findall(r'<code class="api-token">([^<]+)</code>', page.html)
    assert token not in browser.get("/workspace/members").html  # shown once

    assert token not in stored_text() and hash_of(token) in stored_text()
    with Session(get_engine()) as session:
        row = session.exec(select(ApiToken).where(ApiToken.name == "Month-end script")).one()
        assert row.last_used_at is None and row.expires_at is not None and token.startswith(row.prefix)
    assert api.get("/api/v1/exporters", headers=bearer(token)).status_code == 200
    with Session(get_engine()) as session:
        assert session.get(ApiToken, row.id).last_used_at is not None
    listed = browser.get("/workspace/members")
    assert listed.has(row.prefix) and listed.has("Month-end script")

    no_csrf = browser.client.post(f"/workspace/api-tokens/{row.id}/revoke")
    assert no_csrf.status_code == 400
    revoked = browser.submit(browser.form("Revoke"), "Revoke")
    assert revoked.has(f"Revoked the API token {row.prefix}")
    refused = api.get("/api/v1/exporters", headers=bearer(token))
    assert refused.status_code == 401 and "revoked" in refused.get_json()["error"]["message"]


def test_expired_and_unknown_tokens_are_refused(api: FlaskClient, ours: Workspace) -> None:
    assert api.get("/api/v1/companies", headers=ours.headers).status_code == 200
    with Session(get_engine()) as session:
        row = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_of(ours.token))).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.add(row)
        session.commit()
    expired = api.get("/api/v1/companies", headers=ours.headers)
    assert expired.status_code == 401 and expired.headers["WWW-Authenticate"].startswith("Bearer")
    assert api.get("/api/v1/companies", headers=bearer("sbk_made-up")).status_code == 401
    assert api.get("/api/v1/companies").status_code == 401
    # a signed-in dashboard session is not an API credential
    assert ours.browser.client.get("/api/v1/companies").status_code == 401


def test_cli_prints_the_token_alone_on_its_last_line(
    api: FlaskClient, ours: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["api-token", "create", "--email", ours.browser.email, "--workspace", "Ada's workspace"])
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(r"sbk_[A-Za-z0-9_-]{40,}", token)
    assert api.get("/api/v1/companies", headers=bearer(token)).status_code == 200
    with pytest.raises(SystemExit, match="not a member of a workspace named 'Nope'"):
        cli.main(["api-token", "create", "--email", ours.browser.email, "--workspace", "Nope"])


@pytest.mark.parametrize("api_limit", [3])
def test_a_token_past_its_limit_gets_429_with_retry_after(api: FlaskClient, ours: Workspace) -> None:
    answers = [api.get("/api/v1/sources", headers=ours.headers) for _ in range(10)]
    codes = [a.status_code for a in answers]
    # 3 a minute: 10 requests span at most one turn of the clock's minute, so 3 to 6 pass and the rest wait
    assert set(codes) == {200, 429} and 3 <= codes.count(200) <= 6, codes
    refused = answers[codes.index(429)]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.get_json()["error"]["code"] == "rate_limited"
    other = api.get("/api/v1/sources", headers=bearer(token_for(ours.user_id, ours.workspace_id)))
    assert other.status_code == 200  # the limit is the token's, not the user's or the address's
