"""The `state` of an OAuth round trip, kept server-side in the signed session and checked once."""

from __future__ import annotations

import secrets

from flask import flash, g, request, session

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


def finish(kind: str, state: str | None) -> dict | None:
    """What was remembered with this state (then forgotten), or None when the state is unknown."""
    pending = dict(session.get(f"oauth:{kind}", {}))
    for known in list(pending):
        if state and secrets.compare_digest(known, state):
            extra = pending.pop(known)
            session[f"oauth:{kind}"] = pending
            return extra
    return None


def returned(kind: str, service: str, button: str, cancelled: str) -> dict | None:
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
