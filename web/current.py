"""Who is asking and in which workspace: `g.user`, `g.workspace`, `g.role`, and workspace scoping."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from sqlmodel import SQLModel, select

from store.models import Membership, Role, User, Workspace
from web.database import get_session

M = TypeVar("M", bound=SQLModel)


def memberships(user_id: int) -> list[tuple[Membership, Workspace]]:
    """The user's workspaces with their role, oldest first."""
    statement = (
        select(Membership, Workspace)
        .join(Workspace, Workspace.id == Membership.workspace_id)  # type: ignore[arg-type]
        .where(Membership.user_id == user_id)
        .order_by(Workspace.id)  # type: ignore[arg-type]
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
    if user is None or not hmac.compare_digest(session.get("password_mark", ""), _password_mark(user)):
        session.clear()  # the user is gone, or their password changed since this session signed in
        return
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
    session.clear()
    session["user_id"] = user.id
    session["password_mark"] = _password_mark(user)
    if workspace_id is not None:
        session["workspace_id"] = workspace_id
    session.permanent = True


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send anonymous visitors to the login page, then back."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if g.workspace is None:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def owner_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only the workspace's owners may do this (after login_required)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.role != Role.OWNER:
            flash("Only an owner of the workspace can do that.", "error")
            return redirect(url_for("workspaces.members"))
        return view(*args, **kwargs)

    return wrapped


def get_scoped(model: type[M], row_id: int) -> M:
    """The row of the current workspace with this id; 404 otherwise, so other workspaces stay invisible."""
    row = get_session().get(model, row_id)
    if row is None or getattr(row, "workspace_id", None) != g.workspace.id:
        abort(404)
    return row


def scoped(model: type[M]):
    """A select of the model's rows in the current workspace."""
    return select(model).where(model.workspace_id == g.workspace.id)  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    app.before_request(load_current)
