"""Maintenance passes that keep connections healthy while nobody is looking."""

from __future__ import annotations

import logging

from sqlmodel import col, select

from store.db import session_scope
from store.models import Company

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
