"""How long a company's QuickBooks grant has left, and the keep-alive that refreshes idle grants."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypedDict

from redis import Redis

from connections.company_tokens import USABLE, CompanyTokenStore, token_manager_for
from connections.rows import aware
from qbo.errors import QboError
from qbo.oauth import TokenSet, utcnow
from store.models import Company
from store.settings import get_settings

log = logging.getLogger(__name__)

KEEP_ALIVE_AFTER = timedelta(days=30)
# Keep-alive keeps the rolling window above ~70 days, so a warning means keep-alive lapsed or the
# 5-year cap is near: a month is "well before" either.
WARN_WITHIN = timedelta(days=30)


class TokenHealth(TypedDict):
    """What the Companies and Home pages show of a grant; `level` is ok, warning, expired or the status."""

    status: str
    refresh_token_age_days: float | None
    refresh_expires_at: datetime | None
    refresh_hard_expires_at: datetime | None
    days_left: float | None
    level: str
    message: str


def keep_alive(
    company_id: int,
    redis: Redis | None = None,
    older_than: timedelta = KEEP_ALIVE_AFTER,
    clock: Callable[[], datetime] = utcnow,
) -> bool:
    """Refresh an idle company's refresh token once it is older than `older_than`, or while refreshing
    is failing (so an idle company recovers too); True if refreshed."""
    redis = redis or Redis.from_url(get_settings().redis_url)
    store = CompanyTokenStore(company_id, clock)
    manager = token_manager_for(store, redis)

    def stale(_: TokenSet) -> bool:
        age = store.refresh_token_age()
        return age is None or age >= older_than or store.refresh_failing()

    try:
        if not stale(store.load()):
            return False
        manager.refresh_when(stale)
    except QboError as exc:  # needs reconnect, or refresh failing: both are recorded on the company
        log.warning("keep-alive of company %s did not refresh: %s", company_id, exc)
        return False
    return manager.refreshes > 0


def token_health(company: Company, now: datetime | None = None) -> TokenHealth:
    """How long the company's grant has left: rolling and hard expiry, and a warning level."""
    now = now or utcnow()
    issued = aware(company.refresh_token_issued_at)
    rolling = aware(company.refresh_expires_at)
    hard = aware(company.refresh_hard_expires_at)
    ends = [end for end in (rolling, hard) if end is not None]
    days_left = min((end - now).total_seconds() / 86400 for end in ends) if ends else None
    if company.status not in USABLE:
        level = str(company.status)
    elif days_left is None or days_left <= 0:
        level = "expired"
    elif days_left < WARN_WITHIN.days:
        level = "warning"
    else:
        level = "ok"
    return {
        "status": company.status,
        "refresh_token_age_days": (now - issued).total_seconds() / 86400 if issued else None,
        "refresh_expires_at": rolling,
        "refresh_hard_expires_at": hard,
        "days_left": days_left,
        "level": level,
        "message": _health_message(company, level, days_left),
    }


def _health_message(company: Company, level: str, days_left: float | None) -> str:
    name = company.name or company.realm_id
    if level == "warning":
        return f"The connection to {name} expires in {int(days_left or 0)} days: reconnect it before then."
    if level == "expired":
        return f"The connection to {name} has expired: reconnect it."
    if level == "ok":
        return f"The connection to {name} is healthy."
    return company.status_reason or f"{name} is {company.status}."
