"""Accounts: a user with a workspace of their own, in which they are the owner."""

from __future__ import annotations

from sqlmodel import Session, select

from store.models import Membership, Role, User, Workspace
from store.rows import saved_id
from web.auth.passwords import hash_password


def normalized(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalized(email))).first()


def create_account(session: Session, email: str, password: str, name: str) -> tuple[User, Workspace]:
    """Add a user and their own workspace (not committed: the caller owns the transaction)."""
    user = User(email=normalized(email), password_hash=hash_password(password))
    workspace = Workspace(name=f"{name.strip()}'s workspace")
    session.add_all([user, workspace])
    session.flush()
    session.add(Membership(user_id=saved_id(user), workspace_id=saved_id(workspace), role=Role.OWNER))
    return user, workspace
