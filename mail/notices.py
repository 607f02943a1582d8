"""Notices about an exporter that stopped on its own, written to the outbox in the caller's transaction.

Each notice goes to the workspace's owners who did not turn failure mail off (mail.recipients), at
once whatever their immediate/digest choice: something needs their hand. Being rows of the caller's
session, a notice exists exactly when the change it reports is committed; the tick's mail pass sends
it (mail.sending) within a minute. Nothing here talks to an SMTP server, so a broken one cannot fail
the run or the page that paused the exporter. Without a way to deliver mail (no SMTP, not the demo)
nothing is queued.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from mail import links
from mail.recipients import owners
from store.models import Company, Exporter, GoogleAccount, OutboxEmail, Workspace
from store.outbox import queue_email
from store.settings import get_settings


def footer(workspace: str) -> str:
    """Why the reader gets this, and where to change it."""
    return (
        f"\n\nYou get this email because you own the workspace {workspace} on Sheetbooks. Choose which "
        f"emails you get about failures on your account page: {links.page(links.ACCOUNT)}"
    )


def _to_owners(session: Session, workspace_id: int, subject: str, body: str) -> list[OutboxEmail]:
    if not get_settings().mail_delivered:
        return []
    workspace = session.get(Workspace, workspace_id)
    name = workspace.name if workspace is not None else "(removed)"
    return [
        queue_email(session, user.email, subject, body + footer(name))
        for user in owners(session, workspace_id)
    ]


def _listing(exporters: Sequence[Exporter]) -> str:
    return "\n".join(f"- {e.name}: {links.exporter(e.id)}" for e in exporters)


def exporter_paused_itself(session: Session, exporter: Exporter, reason: str) -> list[OutboxEmail]:
    """The exporter paused itself after repeated failures (`reason`: why, in the analyst's words)."""
    return _to_owners(
        session,
        exporter.workspace_id,
        f"Sheetbooks paused the exporter {exporter.name}",
        f"The exporter {exporter.name} failed too many times in a row, so Sheetbooks paused it: it will "
        f"not run on its schedule until someone enables it again.\n\n{reason}\n\n"
        f"Look at its runs, fix the cause, then enable it:\n{links.exporter(exporter.id)}",
    )


def company_needs_reconnect(
    session: Session, company: Company, reason: str, paused: Sequence[Exporter]
) -> list[OutboxEmail]:
    """QuickBooks refused the company's connection; `paused`: the exporters that stopped for it."""
    name = company.name or company.realm_id
    waiting = f"These exporters are paused until it is:\n{_listing(paused)}" if paused else ""
    return _to_owners(
        session,
        company.workspace_id,
        f"Reconnect the QuickBooks company {name}",
        f"QuickBooks refused Sheetbooks' connection to the company {name} ({reason}). Someone who can sign "
        f"in to it must reconnect it under Companies:\n{links.page(links.COMPANIES)}\n\n{waiting}".rstrip(),
    )


def google_account_needs_reconnect(
    session: Session, account: GoogleAccount, paused: Sequence[Exporter]
) -> list[OutboxEmail]:
    """Google refused the account's access; `paused`: the exporters that write through it."""
    waiting = f"These exporters are paused until it is:\n{_listing(paused)}" if paused else ""
    return _to_owners(
        session,
        account.workspace_id,
        f"Reconnect the Google account {account.email}",
        f"Google refused Sheetbooks' access to the account {account.email} (expired or revoked), so "
        f"Sheetbooks cannot write to its spreadsheets. Reconnect it under Google accounts:\n"
        f"{links.page(links.GOOGLE_ACCOUNTS)}\n\n{waiting}".rstrip(),
    )
