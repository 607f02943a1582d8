"""One store session per request, kept in `g` and closed at teardown (Flask tutorial's get_db)."""

from __future__ import annotations

from flask import Flask, g
from sqlmodel import Session

from store.db import get_engine


def get_session() -> Session:
    """The request's session; routes commit explicitly, anything uncommitted is rolled back."""
    session: Session | None = g.get("db")
    if session is None:
        session = g.db = Session(get_engine(), expire_on_commit=False)
    return session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_session)
