"""`GET /healthz`: the process answers, and whether it reaches its database and its Redis."""

from __future__ import annotations

import logging

from flask import Blueprint
from sqlalchemy import text

from web.database import get_session
from workers.queue import get_redis

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


def _database() -> bool:
    try:
        get_session().connection().execute(text("SELECT 1"))
    except Exception as exc:  # any failure means "not usable"; the reason goes to the log, not the answer
        log.warning("health: database unavailable: %s", exc)
        return False
    return True


def _redis() -> bool:
    try:
        get_redis().ping()
    except Exception as exc:
        log.warning("health: Redis unavailable: %s", exc)
        return False
    return True


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """200 when the database and Redis both answer; otherwise 503. Each is reported by name:
    {"status": "ok" | "unavailable", "database": "ok" | "unavailable", "redis": "ok" | "unavailable"}."""
    checks = {"database": _database(), "redis": _redis()}
    ok = all(checks.values())
    body = {"status": "ok" if ok else "unavailable"}
    body |= {name: "ok" if up else "unavailable" for name, up in checks.items()}
    return body, 200 if ok else 503
