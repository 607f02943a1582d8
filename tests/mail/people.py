"""Rows for the notice and failure-mail tests: owners with a mail preference, failed runs at set times."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from store.models import Membership, Role, Run, RunStatus, User
from tests import factories


def person(session: Session, email: str, workspace_id: int, role: str = Role.OWNER, **fields) -> User:
    user = User(email=email, password_hash="-", **fields)
    session.add(user)
    session.flush()
    session.add(Membership(user_id=user.id, workspace_id=workspace_id, role=role))
    return user


def finished_run(
    session: Session, exporter_id: int, workspace_id: int, at: datetime, status=RunStatus.FAILED, error=""
) -> int:
    run = Run(exporter_id=exporter_id, workspace_id=workspace_id, status=status, finished_at=at, error=error)
    session.add(run)
    session.flush()
    return run.id


__all__ = ["factories", "finished_run", "person"]
