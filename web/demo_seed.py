"""The demo's login: created once, so `make demo` prints credentials that work."""

from __future__ import annotations

import logging

from store.db import session_scope
from web.auth.accounts import create_account, find_user

log = logging.getLogger(__name__)


def ensure_demo_user(email: str, password: str) -> None:
    """Create the demo user with its own workspace unless it exists (its password is then left alone)."""
    with session_scope() as session:
        if find_user(session, email) is not None:
            return
        create_account(session, email, password, "Demo")
    log.info("created the demo login %s", email)
