"""The clients of connections: a read-only QBO client of a company, a gspread client of a Google account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import gspread
from redis import Redis

from connections.company_tokens import USABLE, CompanyTokenStore, token_manager_for
from connections.google_accounts import SERVICE_ACCOUNT, user_account_credentials
from connections.rows import saved_id
from qbo.client import QboClient
from qbo.errors import ReconnectRequired
from qbo.oauth import utcnow
from qbo.ratelimit import RealmBudget
from sheets.client import make_client
from sheets.credentials import reconnect_required, service_account_credentials
from sheets.pacing import WritePacer
from store.models import Company, GoogleAccount, GoogleAccountStatus
from store.settings import get_settings


def qbo_client_for(
    company: Company, redis: Redis, clock: Callable[[], datetime] = utcnow, **options: Any
) -> QboClient:
    """A read-only client of the company; raises ReconnectRequired when it needs reconnecting.

    `options` go to QboClient (e.g. max_wait_seconds); `clock` is for tests that move Intuit's clock.
    """
    if company.status not in USABLE:
        raise ReconnectRequired(company.status_reason or f"the company is {company.status}")
    store = CompanyTokenStore(saved_id(company), clock)
    manager = token_manager_for(store, redis)
    options.setdefault("budget", realm_budget(company.realm_id, redis))
    return QboClient(company.realm_id, manager, on_success=store.record_api_success, **options)


def realm_budget(realm_id: str, redis: Redis) -> RealmBudget:
    """The realm's request budget, shared by every company row of it in any workspace, and every process."""
    settings = get_settings()
    return RealmBudget(
        redis,
        realm_id,
        settings.qbo_requests_per_minute,
        settings.qbo_requests_per_second,
        settings.qbo_requests_in_flight,
    )


def gspread_client_for(account: GoogleAccount, redis: Redis | None = None) -> gspread.Client:
    """A client writing as the account, paced with every other worker writing as it (through `redis`: a
    run passes its patient client, store.redis_client; else a quick one of REDIS_URL)."""
    if account.status != GoogleAccountStatus.CONNECTED:
        raise reconnect_required(account.email, account.status_reason or "it was marked as needing reconnect")
    settings = get_settings()
    creds = (
        service_account_credentials(settings)
        if account.kind == SERVICE_ACCOUNT
        else user_account_credentials(account)
    )
    key = f"google-account-{account.id}"
    pacer = WritePacer(redis, key) if redis is not None else WritePacer.from_url(settings.redis_url, key)
    return make_client(creds, settings, pacer=pacer)
