"""Maintenance passes that keep connections healthy while nobody is looking."""

from __future__ import annotations

import logging

from sqlmodel import col, select

from store.db import session_scope
from store.models import Company, utcnow

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
