"""Who is asking and in which workspace: `g.user`, `g.workspace`, `g.role`, and workspace scoping."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar
from werkzeug.wrappers import Response

from store.models import LoginSession, Membership, Role, User, Workspace, utcnow
from store.rows import WorkspaceRow, row_in
from web.database import get_session
from web.tokens import hash_token, new_token

M = TypeVar("M", bound=WorkspaceRow)
P = ParamSpec("P")
R = TypeVar("R")


def memberships(user_id: int) -> list[tuple[Membership, Workspace]]:
    """The user's workspaces with their role, oldest first."""
    statement = (
        select(Membership, Workspace)
        .join(Workspace, col(Workspace.id) == Membership.workspace_id)
        .where(Membership.user_id == user_id)
        .order_by(col(Workspace.id))
    )
    return list(get_session().exec(statement).all())


def load_current() -> None:
    """Fill g.user, g.workspace and g.role from the signed session cookie."""
    g.user = g.workspace = g.role = None
    g.workspaces = []
    user_id = session.get("user_id")
    if user_id is None:
        return
    user = get_session().get(User, user_id)
    live = _login_session() is not None
    if (
        user is None
        or not live
        or not hmac.compare_digest(session.get("password_mark", ""), _password_mark(user))
    ):
        # The user is gone, this session was logged out (a copy of an old cookie), or the password changed.
        session.clear()
        return
    assert user.id is not None  # loaded from the store
    g.user = user
    g.workspaces = memberships(user.id)
    chosen = session.get("workspace_id")
    for membership, workspace in g.workspaces:
        if workspace.id == chosen or chosen is None:
            g.workspace, g.role = workspace, membership.role
            break
    if g.workspace is None and g.workspaces:
        membership, workspace = g.workspaces[0]
        g.workspace, g.role = workspace, membership.role
    if g.workspace is not None:
        session["workspace_id"] = g.workspace.id


def _password_mark(user: User) -> str:
    """Changes whenever the password does; keyed with SECRET_KEY, so the cookie reveals nothing about it."""
    key = current_app.secret_key
    key = key.encode() if isinstance(key, str) else bytes(key or b"")
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:32]


def sign_in(user: User, workspace_id: int | None = None) -> None:
    """Start a fresh session for the user (a new cookie: no session fixation).

    The session remembers a mark of the password: changing the password signs out every other session.
    """
    assert user.id is not None  # a stored user
    session.clear()
    token = new_token()
    store = get_session()
    store.add(LoginSession(token_hash=hash_token(token), user_id=user.id))
    store.commit()
    session["user_id"] = user.id
    session["login"] = token
    session["password_mark"] = _password_mark(user)
    if workspace_id is not None:
        session["workspace_id"] = workspace_id
    session.permanent = True


def _login_session() -> LoginSession | None:
    """The live server-side record of the cookie's sign-in, if it has one that was not ended."""
    token = session.get("login")
    if not isinstance(token, str):
        return None
    statement = select(LoginSession).where(LoginSession.token_hash == hash_token(token))
    record = get_session().exec(statement).first()
    return record if record is not None and record.ended_at is None else None


def sign_out() -> None:
    """End the session on the server too: a copy of the cookie taken before no longer signs anyone in."""
    record = _login_session()
    if record is not None:
        record.ended_at = utcnow()
        get_session().add(record)
        get_session().commit()
    session.clear()


def login_required(view: Callable[P, R]) -> Callable[P, R | Response]:
    """Send anonymous visitors to the login page, then back."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | Response:
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if g.workspace is None:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def owner_required(view: Callable[P, R]) -> Callable[P, R | Response]:
    """Only the workspace's owners may do this (after login_required)."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | Response:
        if g.role != Role.OWNER:
            flash("Only an owner of the workspace can do that.", "error")
            return redirect(url_for("workspaces.members"))
        return view(*args, **kwargs)

    return wrapped


def get_scoped(model: type[M], row_id: int) -> M:
    """The row of the current workspace with this id; 404 otherwise, so other workspaces stay invisible."""
    row = row_in(get_session(), model, g.workspace.id, row_id)
    if row is None:
        abort(404)
    return row


def scoped(model: type[M]) -> SelectOfScalar[M]:
    """A select of the model's rows in the current workspace."""
    return select(model).where(col(model.workspace_id) == g.workspace.id)


def init_app(app: Flask) -> None:
    app.before_request(load_current)
