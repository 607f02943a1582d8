"""A company's QuickBooks tokens, encrypted in its row, and the token manager that refreshes them.

Intuit rotates refresh tokens (design Decision 3): `qbo.tokens.TokenManager` refreshes under the company's
Redis lock (`store.redis_keys.qbo_token_lock`) and saves the new refresh token here before the new access
token is used; `invalid_grant` marks the company as needing reconnect and pauses its exporters.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from redis import Redis
from sqlmodel import Session

from connections.pausing import pause_exporters
from connections.rows import aware
from mail import notices
from qbo.errors import ReconnectRequired
from qbo.oauth import IntuitOAuth, TokenSet, utcnow
from qbo.tokens import TokenManager
from store import db, redis_keys
from store.crypto import decrypt, encrypt
from store.models import Company, CompanyStatus

log = logging.getLogger(__name__)

# The states in which a company's tokens may be used (refreshing failing for a passing reason included).
USABLE = (CompanyStatus.CONNECTED, CompanyStatus.REFRESH_FAILING)


def write_tokens(company: Company, tokens: TokenSet, now: datetime) -> None:
    """Store a token set encrypted; a new refresh-token string restarts its age."""
    if not company.refresh_token_enc or decrypt(company.refresh_token_enc) != tokens.refresh_token:
        company.refresh_token_issued_at = now
    company.access_token_enc = encrypt(tokens.access_token)
    company.refresh_token_enc = encrypt(tokens.refresh_token)
    company.access_expires_at = tokens.expires_at
    company.refresh_expires_at = tokens.refresh_expires_at
    company.refresh_hard_expires_at = tokens.refresh_hard_expires_at


def clear_tokens(company: Company) -> None:
    company.access_token_enc = company.refresh_token_enc = ""
    company.access_expires_at = company.refresh_expires_at = None
    company.refresh_hard_expires_at = company.refresh_token_issued_at = None


def mark_needs_reconnect(session: Session, company: Company, reason: str) -> None:
    """Stop using the company until an analyst reconnects it, pause its exporters, and tell the workspace's
    owners (once, when it changes: mail.notices, sent by a job, so mail trouble cannot fail the caller)."""
    newly = company.status != CompanyStatus.NEEDS_RECONNECT
    company.status = CompanyStatus.NEEDS_RECONNECT
    company.status_reason = f"QuickBooks refused the connection: {reason}"[:500]
    session.add(company)
    paused = pause_exporters(session, company)
    if newly:
        notices.company_needs_reconnect(session, company, reason, paused)


class CompanyTokenStore:
    """One company's tokens, encrypted in its row; implements qbo.tokens.TokenStore."""

    def __init__(self, company_id: int, clock: Callable[[], datetime] = utcnow) -> None:
        self.company_id = company_id
        self.clock = clock

    def _company(self, session: Session) -> Company:
        company = session.get(Company, self.company_id)
        if company is None:
            raise ReconnectRequired("the company was removed from Sheetbooks")
        return company

    def load(self) -> TokenSet:
        with db.session_scope() as session:
            company = self._company(session)
            if company.status not in USABLE or not company.refresh_token_enc:
                raise ReconnectRequired(company.status_reason or f"the company is {company.status}")
            return TokenSet(
                access_token=decrypt(company.access_token_enc),
                refresh_token=decrypt(company.refresh_token_enc),
                expires_at=aware(company.access_expires_at) or self.clock(),
                refresh_expires_at=aware(company.refresh_expires_at) or self.clock(),
                refresh_hard_expires_at=aware(company.refresh_hard_expires_at),
            )

    def save(self, tokens: TokenSet) -> None:
        with db.session_scope() as session:
            company = self._company(session)
            if company.status not in USABLE:
                log.warning("company %s is %s: refreshed tokens not kept", company.id, company.status)
                return
            write_tokens(company, tokens, self.clock())
            company.status, company.status_reason = CompanyStatus.CONNECTED, ""
            session.add(company)

    def mark_reconnect_required(self, reason: str) -> None:
        with db.session_scope() as session:
            mark_needs_reconnect(session, self._company(session), reason)

    def mark_refresh_failing(self, reason: str) -> None:
        """Intuit could not refresh for a passing reason: show it; the grant and the exporters stay."""
        with db.session_scope() as session:
            company = self._company(session)
            if company.status not in USABLE:
                return
            company.status = CompanyStatus.REFRESH_FAILING
            company.status_reason = (
                f"Refreshing the QuickBooks connection failed: {reason}. Sheetbooks keeps trying "
                "(at most once a minute); nothing to do unless this lasts."
            )[:500]
            session.add(company)

    def refresh_failing(self) -> bool:
        with db.session_scope() as session:
            return self._company(session).status == CompanyStatus.REFRESH_FAILING

    def refresh_token_age(self) -> timedelta | None:
        with db.session_scope() as session:
            issued = aware(self._company(session).refresh_token_issued_at)
        return self.clock() - issued if issued else None

    def record_api_success(self) -> None:
        """Remember that QuickBooks answered this company (shown on the Companies page)."""
        with db.session_scope() as session:
            company = self._company(session)
            company.last_api_success_at = self.clock()
            session.add(company)


def token_manager_for(store: CompanyTokenStore, redis: Redis) -> TokenManager:
    """The token manager of one company, sharing its lock with every other process."""
    oauth = IntuitOAuth(clock=store.clock)
    return TokenManager(store, oauth, redis, redis_keys.qbo_token_lock(store.company_id), clock=store.clock)
