"""`GET /healthz`: the process answers and can reach its database."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import text

from web.database import get_session

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict, int]:
    """200 with {"status": "ok"} when the database answers, 503 otherwise."""
    try:
        get_session().exec(text("SELECT 1"))  # type: ignore[call-overload]
    except Exception:
        return {"status": "unavailable"}, 503
    return {"status": "ok"}, 200
