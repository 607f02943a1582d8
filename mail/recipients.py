"""Who hears about an exporter: its workspace's owners, less those who turned failure mail off.

Exporters do not record who created them, and the owners are the people who can reconnect a company or
a Google account and enable an exporter again; so "the exporter's owner" is the workspace's owners.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from store.models import FailureMail, Membership, Role, User


def owners(session: Session, workspace_id: int) -> list[User]:
    """The workspace's owners who want mail about its exporters (failure mail not off)."""
    statement = (
        select(User)
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(
            Membership.workspace_id == workspace_id,
            Membership.role == Role.OWNER,
            User.failure_mail != FailureMail.OFF,
        )
        .order_by(col(User.id))
    )
    return list(session.exec(statement).all())
