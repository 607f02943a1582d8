"""The `state` of an OAuth round trip: remembered in the signed session cookie, spent once on the server.

The cookie alone cannot make a state single-use (a copy taken before the redirect still holds it), so
finishing a state also records its hash in the store; a second finish of the same state fails.
"""

from __future__ import annotations

import secrets

from flask import flash, g, request, session
from sqlalchemy.exc import IntegrityError

from store.models import SpentOAuthState
from web.database import get_session
from web.tokens import hash_token

MAX_PENDING = 5


def begin(kind: str, **extra: str) -> str:
    """A fresh random state for a `kind` of flow, remembered with `extra` (e.g. a PKCE code_verifier)."""
    state = secrets.token_urlsafe(24)
    pending = dict(session.get(f"oauth:{kind}", {}))
    while len(pending) >= MAX_PENDING:
        pending.pop(next(iter(pending)))
    pending[state] = extra
    session[f"oauth:{kind}"] = pending
    return state


def finish(kind: str, state: str | None) -> dict[str, str] | None:
    """What was remembered with this state (then forgotten), or None when the state is unknown."""
    pending = dict(session.get(f"oauth:{kind}", {}))
    for known in list(pending):
        if state and secrets.compare_digest(known, state):
            extra = pending.pop(known)
            session[f"oauth:{kind}"] = pending
            return extra if _spend(state) else None
    return None


def _spend(state: str) -> bool:
    """Record the state as used; False when it already was (a replayed cookie)."""
    store = get_session()
    store.add(SpentOAuthState(state_hash=hash_token(state)))
    try:
        store.commit()
    except IntegrityError:
        store.rollback()
        return False
    return True


def returned(kind: str, service: str, button: str, cancelled: str) -> dict[str, str] | None:
    """The remembered flow when the provider's redirect belongs to this browser and workspace and was not
    cancelled; otherwise None after flashing why (nothing changed, and how to try again)."""
    pending = finish(kind, request.args.get("state"))
    if pending is None or pending.get("workspace_id") != str(g.workspace.id):
        flash(
            f"That {service} could not be verified (it was started elsewhere or has expired). "
            f"Nothing changed; click “{button}” to try again.",
            "error",
        )
        return None
    if request.args.get("error") == "access_denied":
        flash(cancelled, "info")
        return None
    return pending
