"""QBO companies in the store: connect, reconnect, disconnect, remove, token health, keep-alive.

Pausing: when a company needs reconnecting or is disconnected, each of its exporters that is enabled is
disabled with a `paused_reason` naming the company, and the company's id is added to the exporter's
`options.paused_by_companies`. Reconnecting the company removes its id again and re-enables exactly
the exporters left with no pausing company; exporters the analyst had paused themselves are never
touched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from redis import Redis
from sqlmodel import Session, col, delete, select

from qbo.client import QboClient
from qbo.errors import QboError, ReconnectRequired
from qbo.oauth import IntuitOAuth, TokenSet, utcnow
from qbo.ratelimit import RealmBudget
from qbo.tokens import TokenManager
from store import db
from store.crypto import decrypt, encrypt
from store.models import Company, CompanyStatus, Exporter, ExporterCompany, Run, Watermark
from store.settings import get_settings

log = logging.getLogger(__name__)

KEEP_ALIVE_AFTER = timedelta(days=30)
# Keep-alive keeps the rolling window above ~70 days, so a warning means keep-alive lapsed or the
# 5-year cap is near: a month is "well before" either.
WARN_WITHIN = timedelta(days=30)
USABLE = (CompanyStatus.CONNECTED, CompanyStatus.REFRESH_FAILING)


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def lock_name(company_id: int) -> str:
    """The Redis lock every process takes before refreshing this company's tokens.

    Namespaced by queue name, so deployments (and tests) sharing a Redis never share a company's lock.
    """
    return f"sheetbooks:{get_settings().queue_name}:qbo-tokens:{company_id}"


# -- tokens ------------------------------------------------------------------------------------


def _write_tokens(company: Company, tokens: TokenSet, now: datetime) -> None:
    """Store a token set encrypted; a new refresh-token string restarts its age."""
    if not company.refresh_token_enc or decrypt(company.refresh_token_enc) != tokens.refresh_token:
        company.refresh_token_issued_at = now
    company.access_token_enc = encrypt(tokens.access_token)
    company.refresh_token_enc = encrypt(tokens.refresh_token)
    company.access_expires_at = tokens.expires_at
    company.refresh_expires_at = tokens.refresh_expires_at
    company.refresh_hard_expires_at = tokens.refresh_hard_expires_at


def _clear_tokens(company: Company) -> None:
    company.access_token_enc = company.refresh_token_enc = ""
    company.access_expires_at = company.refresh_expires_at = None
    company.refresh_hard_expires_at = company.refresh_token_issued_at = None


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
                expires_at=_aware(company.access_expires_at) or self.clock(),
                refresh_expires_at=_aware(company.refresh_expires_at) or self.clock(),
                refresh_hard_expires_at=_aware(company.refresh_hard_expires_at),
            )

    def save(self, tokens: TokenSet) -> None:
        with db.session_scope() as session:
            company = self._company(session)
            if company.status not in USABLE:
                log.warning("company %s is %s: refreshed tokens not kept", company.id, company.status)
                return
            _write_tokens(company, tokens, self.clock())
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
            issued = _aware(self._company(session).refresh_token_issued_at)
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
    return TokenManager(store, oauth, redis, lock_name(store.company_id), clock=store.clock)


def qbo_client_for(
    company: Company, redis: Redis, clock: Callable[[], datetime] = utcnow, **options: Any
) -> QboClient:
    """A read-only client of the company; raises ReconnectRequired when it needs reconnecting.

    `options` go to QboClient (e.g. max_wait_seconds); `clock` is for tests that move Intuit's clock.
    """
    if company.status not in USABLE:
        raise ReconnectRequired(company.status_reason or f"the company is {company.status}")
    store = CompanyTokenStore(company.id, clock)
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
        namespace=f"sheetbooks:{settings.queue_name}",
    )


# -- exporters paused for a company --------------------------------------------------------------


def _exporters_of(session: Session, company_id: int) -> list[Exporter]:
    statement = (
        select(Exporter)
        .join(ExporterCompany, col(ExporterCompany.exporter_id) == col(Exporter.id))
        .where(ExporterCompany.company_id == company_id)
    )
    return list(session.exec(statement).all())


def pause_exporters(session: Session, company: Company, reason: str) -> list[Exporter]:
    """Disable the company's enabled exporters, remembering that this company paused them."""
    paused = []
    for exporter in _exporters_of(session, company.id):
        by = exporter.options.paused_by_companies
        if company.id in by or (not exporter.enabled and not by):
            continue
        exporter.options = exporter.options.model_copy(update={"paused_by_companies": [*by, company.id]})
        exporter.enabled = False
        exporter.paused_reason = reason
        session.add(exporter)
        paused.append(exporter)
    session.flush()
    return paused


def resume_exporters(session: Session, company: Company) -> list[Exporter]:
    """Re-enable the exporters this company paused, unless another company still holds them."""
    resumed = []
    for exporter in _exporters_of(session, company.id):
        by = exporter.options.paused_by_companies
        if company.id not in by:
            continue
        remaining = [other for other in by if other != company.id]
        exporter.options = exporter.options.model_copy(update={"paused_by_companies": remaining})
        if not remaining:
            exporter.enabled, exporter.paused_reason = True, ""
            resumed.append(exporter)
        session.add(exporter)
    session.flush()
    return resumed


def mark_needs_reconnect(session: Session, company: Company, reason: str) -> None:
    """Stop using the company until an analyst reconnects it, and pause its exporters."""
    company.status = CompanyStatus.NEEDS_RECONNECT
    company.status_reason = f"QuickBooks refused the connection: {reason}"[:500]
    session.add(company)
    pause_exporters(
        session,
        company,
        f"Paused: the QuickBooks company {company.name or company.realm_id} needs to be reconnected.",
    )


# -- connecting, disconnecting, removing -----------------------------------------------------------


def save_connection(
    session: Session,
    workspace_id: int,
    user_id: int | None,
    realm_id: str,
    tokens: TokenSet,
    company_name: str,
    now: datetime | None = None,
) -> tuple[Company, bool]:
    """Store a consent: a realm already in the workspace is reconnected (and its exporters resume)."""
    now = now or utcnow()
    environment = get_settings().qbo_environment
    company = session.exec(
        select(Company).where(
            Company.workspace_id == workspace_id,
            Company.realm_id == realm_id,
            Company.environment == environment,
        )
    ).first()
    created = company is None
    if company is None:
        company = Company(workspace_id=workspace_id, realm_id=realm_id, environment=environment)
    _write_tokens(company, tokens, now)
    company.name = company_name or company.name
    company.status, company.status_reason = CompanyStatus.CONNECTED, ""
    company.connected_by_id = user_id
    company.connected_at = now
    session.add(company)
    session.flush()
    if not created:
        resume_exporters(session, company)
    return company, created


def _revoke(company: Company) -> str | None:
    """Revoke the grant at Intuit (best effort); a message for the analyst when Intuit did not confirm."""
    token = decrypt(company.refresh_token_enc) or decrypt(company.access_token_enc)
    if not token:
        return None
    try:
        IntuitOAuth().revoke(token)
    except QboError as exc:
        log.warning("revoke failed for company %s: %s", company.id, exc)
        return (
            f"Intuit did not confirm the disconnection ({exc.message}). Sheetbooks deleted its tokens "
            "anyway; to be sure, remove Sheetbooks from the company's Apps page in QuickBooks."
        )
    return None


def disconnect(session: Session, company: Company) -> str | None:
    """Revoke and forget the tokens; the company and its (paused) exporters stay for a reconnect."""
    warning = _revoke(company)
    _clear_tokens(company)
    company.status = CompanyStatus.DISCONNECTED
    company.status_reason = "Disconnected from QuickBooks; reconnect it to resume its exporters."
    session.add(company)
    pause_exporters(
        session,
        company,
        f"Paused: the QuickBooks company {company.name or company.realm_id} was disconnected.",
    )
    return warning


def remove_company(session: Session, company: Company) -> str | None:
    """Delete the company; exporters reading only it go with their runs and watermarks.

    An exporter that also reads other companies stays: it just drops this company (and is resumed
    if this company was what paused it).
    """
    warning = _revoke(company)
    resume_exporters(session, company)
    for exporter in _exporters_of(session, company.id):
        others = session.exec(
            select(ExporterCompany).where(
                ExporterCompany.exporter_id == exporter.id, ExporterCompany.company_id != company.id
            )
        ).first()
        if others is None:
            _delete_exporter(session, exporter.id)
    session.exec(delete(Watermark).where(col(Watermark.company_id) == company.id))
    session.exec(delete(ExporterCompany).where(col(ExporterCompany.company_id) == company.id))
    session.delete(company)
    session.flush()
    return warning


def _delete_exporter(session: Session, exporter_id: int) -> None:
    session.exec(delete(Run).where(col(Run.exporter_id) == exporter_id))
    session.exec(delete(Watermark).where(col(Watermark.exporter_id) == exporter_id))
    session.exec(delete(ExporterCompany).where(col(ExporterCompany.exporter_id) == exporter_id))
    session.exec(delete(Exporter).where(col(Exporter.id) == exporter_id))


# -- keeping idle grants alive, and telling analysts before they die -----------------------------


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


def token_health(company: Company, now: datetime | None = None) -> dict:
    """How long the company's grant has left: rolling and hard expiry, and a warning level."""
    now = now or utcnow()
    issued = _aware(company.refresh_token_issued_at)
    rolling = _aware(company.refresh_expires_at)
    hard = _aware(company.refresh_hard_expires_at)
    ends = [end for end in (rolling, hard) if end is not None]
    days_left = min((end - now).total_seconds() / 86400 for end in ends) if ends else None
    if company.status not in USABLE:
        level = company.status
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
