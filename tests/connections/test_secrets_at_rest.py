"""Tokens exist only encrypted: key rotation with `sheetbooks keys rotate`, and no plaintext token in any
table or log line after a company's whole life (connect, refresh with rotation, calls, disconnect)."""

from __future__ import annotations

import logging

import pytest
from redis import Redis
from sqlalchemy import inspect, text
from sqlmodel import select

from connections.clients import qbo_client_for
from connections.companies import disconnect, save_connection
from connections.company_tokens import CompanyTokenStore
from connections.google_accounts import save_google_account
from connections.health import keep_alive
from store import crypto
from store.crypto import TokenKeyError
from store.db import get_engine, session_scope
from store.models import Company, GoogleAccount
from store.settings import Settings, configure
from tests import factories
from tests.qbo.fixtures import emulator_admin, own_qbo_emulator  # noqa: F401 - fixtures of this module
from tests.qbo.intuit import EmulatorClock, connect
from web.cli import main as sheetbooks

DAY = 86400.0


def keyed(settings: Settings, *keys: str) -> None:
    configure(settings.with_overrides(token_keys=keys))


def raw_rows() -> str:
    """Every row of every table, as text."""
    engine = get_engine()
    with engine.connect() as connection:
        rows = [
            repr(tuple(row))
            for table in inspect(engine).get_table_names()
            for row in connection.execute(text(f'SELECT * FROM "{table}"')).all()
        ]
    return "\n".join(rows)


def test_keys_rotate_rewrites_every_secret_with_the_newest_key(database_url, settings, admin, capsys):
    old, new = crypto.new_key(), crypto.new_key()
    keyed(settings, old)
    realm = admin.company("Rotating Keys Co")
    tokens = connect(settings, realm)
    with session_scope() as session:
        workspace = factories.workspace(session)
        company, _ = save_connection(session, workspace.id, None, realm, tokens, "Rotating Keys Co")
        account, _ = save_google_account(
            session,
            workspace.id,
            None,
            {"email": "keys@example.com", "token": "g-access", "refresh_token": "g-r"},
        )
    before = raw_rows()

    keyed(settings, new, old)
    sheetbooks(["keys", "rotate"])
    assert "re-encrypted 3 secrets" in capsys.readouterr().out

    keyed(settings, new)  # the old key is gone from TOKEN_KEYS: everything still reads
    assert CompanyTokenStore(company.id).load().refresh_token == tokens.refresh_token
    with session_scope() as session:
        stored = session.get(GoogleAccount, account.id)
        assert crypto.decrypt_json(stored.credentials_enc)["refresh_token"] == "g-r"
        row = session.get(Company, company.id)
        assert row.refresh_token_enc not in before and row.access_token_enc not in before
    assert qbo_client_for(row, Redis.from_url(settings.redis_url)).company_info()["CompanyName"]

    keyed(settings, old)  # and the old key alone no longer reads them
    with pytest.raises(TokenKeyError):
        CompanyTokenStore(company.id).load()


def test_no_token_in_plaintext_in_the_database_or_the_logs(database_url, settings, admin, caplog):
    caplog.set_level(logging.DEBUG)
    clock = EmulatorClock()
    redis = Redis.from_url(settings.redis_url)
    realm = admin.company("Secret Keeper Co", invoices=3)
    tokens = connect(settings, realm, clock)
    seen = {tokens.access_token, tokens.refresh_token}
    with session_scope() as session:
        workspace = factories.workspace(session)
        company, _ = save_connection(session, workspace.id, None, realm, tokens, "Secret Keeper Co", clock())

    for _ in range(2):  # past 24 h twice: new access tokens and a rotated refresh token each time
        admin.advance(25 * 3600)
        clock.offset += 25 * 3600
        client = qbo_client_for(company, redis, clock, max_wait_seconds=0)
        assert list(client.query("Invoice"))
        current = CompanyTokenStore(company.id).load()
        seen |= {current.access_token, current.refresh_token}
    admin.advance(31 * DAY)
    clock.offset += 31 * DAY
    assert keep_alive(company.id, redis, clock=clock)
    current = CompanyTokenStore(company.id).load()
    seen |= {current.access_token, current.refresh_token}
    assert len(seen) >= 6  # tokens did change along the way

    dump = raw_rows()
    leaked = [token[:8] for token in seen if token in dump or token in caplog.text]
    assert leaked == []

    with session_scope() as session:
        assert disconnect(session, session.get(Company, company.id)) is None
    assert not [token[:8] for token in seen if token in raw_rows() or token in caplog.text]
    with session_scope() as session:
        row = session.exec(select(Company)).one()
        assert row.access_token_enc == row.refresh_token_enc == ""
