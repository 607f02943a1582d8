"""Who is calling /api/v1: a Bearer API token (store.api_tokens), limited per token per minute in Redis.

The token stands for its user in its workspace: `g.user`, `g.workspace` and `g.api_token` are set from it
and the browser's session cookie is ignored, so a page on another site cannot use a signed-in dashboard
session to call the API (the API has no CSRF token to check).
"""

from __future__ import annotations

import time

from flask import g, request

from store import api_tokens, redis_keys
from store.models import User, Workspace
from store.settings import get_settings
from web.api.problems import ApiError
from web.database import get_session
from workers.queue import get_redis

WINDOW = 60


def authenticate() -> None:
    """Refuse the request (401) without a live token; 429 past the token's budget for this minute."""
    g.user = g.workspace = g.api_token = None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            401,
            "Send an API token as `Authorization: Bearer <token>`; create one on the Workspace page.",
            headers={"WWW-Authenticate": 'Bearer realm="sheetbooks"'},
        )
    session = get_session()
    row = api_tokens.authenticate(session, token.strip())
    if row is None:
        raise ApiError(
            401,
            "This API token is unknown, revoked or expired: create a new one on the Workspace page.",
            headers={"WWW-Authenticate": 'Bearer realm="sheetbooks", error="invalid_token"'},
        )
    session.commit()  # last_used_at
    assert row.id is not None  # loaded from the store
    limit(row.id)
    g.api_token = row
    g.user = session.get(User, row.user_id)
    g.workspace = session.get(Workspace, row.workspace_id)


def limit(token_id: int) -> None:
    """Count the request in the token's current minute; 429 with Retry-After (seconds to the next minute)
    once it is past `api_requests_per_minute`."""
    now = time.time()
    minute = int(now // WINDOW)
    key = redis_keys.api_requests(token_id, minute)
    pipe = get_redis().pipeline()
    pipe.incr(key)
    pipe.expire(key, WINDOW + 5, nx=True)
    count = int(pipe.execute()[0])
    allowed = get_settings().api_requests_per_minute
    if count > allowed:
        wait = max(1, int((minute + 1) * WINDOW - now + 0.999))
        raise ApiError(
            429,
            f"This token made more than {allowed} requests this minute: wait {wait} s and try again.",
            headers={"Retry-After": str(wait)},
        )
