"""Maintenance passes while nobody is looking: keep connections healthy, purge expired sign-ins."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import CursorResult, delete, or_
from sqlmodel import col, select

from store.db import session_scope
from store.models import SIGN_IN_LIFETIME, Company, LoginSession, SpentOAuthState, utcnow

log = logging.getLogger(__name__)


def keep_companies_alive() -> list[int]:
    """Refresh the refresh token of every usable company that needs it; return the ids refreshed."""
    from connections.company_tokens import USABLE
    from connections.health import keep_alive
    from connections.rows import saved_id

    with session_scope() as session:
        usable = session.exec(select(Company).where(col(Company.status).in_(USABLE))).all()
        ids = [saved_id(company) for company in usable]
    refreshed = []
    for company_id in ids:
        try:
            if keep_alive(company_id):
                refreshed.append(company_id)
        except Exception:
            log.exception("keep-alive failed for company %s", company_id)
    return refreshed


def purge_expired_sign_ins(now: datetime | None = None) -> dict[str, int]:
    """Delete the rows no cookie can use any more; how many of each.

    A sign-in ended by logout, or older than a cookie lives (`SIGN_IN_LIFETIME`), signs nobody in: a cookie
    whose row is gone is refused like an ended one (web.current). An OAuth state spent longer ago than a
    cookie lives can no longer be replayed: every cookie that held it was signed before it was spent."""
    oldest = (now or utcnow()) - SIGN_IN_LIFETIME
    with session_scope() as session:
        ended = session.execute(
            delete(LoginSession).where(
                or_(col(LoginSession.ended_at).is_not(None), col(LoginSession.created_at) < oldest)
            )
        )
        spent = session.execute(delete(SpentOAuthState).where(col(SpentOAuthState.spent_at) < oldest))
    counts = {"sign_ins": _count(ended), "oauth_states": _count(spent)}
    if any(counts.values()):
        log.info("purged %(sign_ins)s ended or expired sign-ins, %(oauth_states)s spent OAuth states", counts)
    return counts


def _count(result: object) -> int:
    return result.rowcount if isinstance(result, CursorResult) else 0


def prune_runs() -> int:
    """Delete runs older than the retention setting (store.retention); return how many."""
    from store.retention import Retention
    from store.retention import prune_runs as prune
    from store.settings import get_settings

    settings = get_settings()
    retention = Retention(days=settings.run_retention_days, keep=settings.run_retention_keep)
    deleted = prune(session_scope, utcnow(), retention)
    if deleted:
        log.info("pruned %s runs older than %s days", deleted, retention.days)
    return deleted
