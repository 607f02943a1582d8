"""What a company's or a Google account's change of state does to the exporters using it, as events of
the exporters' state machine (store.states).

Companies: a company that needs reconnecting or is disconnected holds each exporter reading it
(COMPANY_LOST); reconnecting it lifts that hold (COMPANY_BACK); removing it from the workspace, or an
edit taking it out of the exporter, drops the hold with it. An exporter set to go on with its other
companies (`missing_company` keep/mark) is held only when none of its companies is left. The user's
own hold (disabled) is never touched.

Google accounts: an account Google refused holds every exporter writing through it (GOOGLE_REFUSED);
a disconnected account too (GOOGLE_DISCONNECTED), the exporters keeping its email. Reconnecting the
account (the same email) lifts the hold and re-attaches the exporters it was taken from (GOOGLE_BACK).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from connections.rows import saved_id
from store import states
from store.documents import CompanyHold
from store.models import Company, CompanyStatus, Exporter, ExporterCompany, GoogleAccount
from store.states import Event


def exporters_reading(session: Session, company: Company) -> list[Exporter]:
    statement = (
        select(Exporter)
        .join(ExporterCompany, col(ExporterCompany.exporter_id) == col(Exporter.id))
        .where(ExporterCompany.company_id == saved_id(company))
    )
    return list(session.exec(statement).all())


def pause_exporters(session: Session, company: Company) -> list[Exporter]:
    """Hold every exporter reading the company until it is reconnected; the ones now paused."""
    why = "needs_reconnect" if company.status == CompanyStatus.NEEDS_RECONNECT else "disconnected"
    hold = CompanyHold(company_id=saved_id(company), name=company.name or company.realm_id, why=why)
    paused = []
    for exporter in exporters_reading(session, company):
        was = exporter.enabled
        states.apply(session, exporter, Event.COMPANY_LOST, hold=hold)
        if was and not exporter.enabled:
            paused.append(exporter)
    session.flush()
    return paused


def resume_exporters(session: Session, company: Company) -> list[Exporter]:
    """Lift the company's hold on its exporters; the ones now active again."""
    resumed = []
    for exporter in exporters_reading(session, company):
        was = exporter.enabled
        states.apply(session, exporter, Event.COMPANY_BACK, company_id=saved_id(company))
        if exporter.enabled and not was:
            resumed.append(exporter)
    session.flush()
    return resumed


def writing_through(session: Session, account: GoogleAccount) -> list[Exporter]:
    return list(session.exec(select(Exporter).where(Exporter.google_account_id == account.id)).all())


def flag_refused_account(session: Session, account: GoogleAccount) -> None:
    """Every exporter writing through the account waits until it is reconnected."""
    for exporter in writing_through(session, account):
        states.apply(session, exporter, Event.GOOGLE_REFUSED, email=account.email)
    session.flush()


def clear_refused_account(session: Session, account: GoogleAccount) -> None:
    """The account was (re)connected: the exporters it was taken from write through it again, and none of
    its exporters waits for it any more."""
    held = session.exec(select(Exporter).where(Exporter.workspace_id == account.workspace_id)).all()
    for exporter in held:
        google = exporter.pauses.google
        if (
            google is not None
            and google.email == account.email.lower()
            and exporter.google_account_id is None
        ):
            exporter.google_account_id = account.id
    session.flush()
    for exporter in writing_through(session, account):
        if exporter.pauses.google is not None:
            states.apply(session, exporter, Event.GOOGLE_BACK)
    session.flush()


def release_disconnected_account(session: Session, account: GoogleAccount) -> None:
    """The account is going away: its exporters keep their settings and its email, and wait for it (or
    for another account chosen in the editor)."""
    for exporter in writing_through(session, account):
        exporter.google_account_id = None
        states.apply(session, exporter, Event.GOOGLE_DISCONNECTED, email=account.email)
    session.flush()


def account_chosen(session: Session, exporter: Exporter, account: GoogleAccount | None) -> None:
    """The analyst saved the exporter with this Google account: a connected one lifts a Google hold, one
    that needs reconnecting sets it."""
    if account is None:
        states.settle(session, exporter)
    elif account.status == "connected":
        states.apply(session, exporter, Event.GOOGLE_BACK)
    else:
        states.apply(session, exporter, Event.GOOGLE_REFUSED, email=account.email)
