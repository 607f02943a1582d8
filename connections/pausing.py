"""What a company's or a Google account's change of state does to the exporters using it.

Companies: when a company needs reconnecting or is disconnected, each of its exporters that is enabled is
disabled with a `paused_reason` naming the company, and the company's id is added to the exporter's
pausing companies (`paused_by_companies`). Reconnecting the company removes its id again and re-enables
exactly the exporters left with no pausing company; exporters the analyst had paused themselves are never
touched.

Google accounts: an account Google refused marks every exporter writing through it with
`reconnect_message` (cleared when the account is reconnected); a disconnected account leaves its
exporters without a Google account, saying so.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from connections.rows import saved_id
from store.models import Company, Exporter, ExporterCompany, GoogleAccount


def paused_by_companies(exporter: Exporter) -> list[int]:
    """The ids of the companies holding the exporter paused (empty when none is)."""
    return list(exporter.options.paused_by_companies)


def _set_paused_by_companies(exporter: Exporter, company_ids: list[int]) -> None:
    exporter.options = exporter.options.model_copy(update={"paused_by_companies": company_ids})


def exporters_reading(session: Session, company: Company) -> list[Exporter]:
    statement = (
        select(Exporter)
        .join(ExporterCompany, col(ExporterCompany.exporter_id) == col(Exporter.id))
        .where(ExporterCompany.company_id == saved_id(company))
    )
    return list(session.exec(statement).all())


def pause_exporters(session: Session, company: Company, reason: str) -> list[Exporter]:
    """Disable the company's enabled exporters, remembering that this company paused them."""
    company_id = saved_id(company)
    paused = []
    for exporter in exporters_reading(session, company):
        by = paused_by_companies(exporter)
        if company_id in by or (not exporter.enabled and not by):
            continue
        _set_paused_by_companies(exporter, [*by, company_id])
        exporter.enabled = False
        exporter.paused_reason = reason
        session.add(exporter)
        paused.append(exporter)
    session.flush()
    return paused


def resume_exporters(session: Session, company: Company) -> list[Exporter]:
    """Re-enable the exporters this company paused, unless another company still holds them."""
    company_id = saved_id(company)
    resumed = []
    for exporter in exporters_reading(session, company):
        by = paused_by_companies(exporter)
        if company_id not in by:
            continue
        remaining = [other for other in by if other != company_id]
        _set_paused_by_companies(exporter, remaining)
        if not remaining:
            exporter.enabled, exporter.paused_reason = True, ""
            resumed.append(exporter)
        session.add(exporter)
    session.flush()
    return resumed


def reconnect_message(email: str) -> str:
    """What every exporter writing through a refused Google account shows until someone reconnects it."""
    return (
        f"The Google account {email} needs reconnecting: Google refused its access (expired or revoked). "
        "Reconnect it under Google accounts; this exporter writes again once it is."
    )


def writing_through(session: Session, account: GoogleAccount) -> list[Exporter]:
    return list(session.exec(select(Exporter).where(Exporter.google_account_id == account.id)).all())


def flag_refused_account(session: Session, account: GoogleAccount) -> None:
    """Every exporter writing through the account says it needs reconnecting."""
    for exporter in writing_through(session, account):
        exporter.destination_error = reconnect_message(account.email)
        session.add(exporter)
    session.flush()


def clear_refused_account(session: Session, account: GoogleAccount) -> None:
    """The account was reconnected: its exporters stop saying it needs reconnecting."""
    for exporter in writing_through(session, account):
        if exporter.destination_error == reconnect_message(account.email):
            exporter.destination_error = ""
            session.add(exporter)
    session.flush()


def release_disconnected_account(session: Session, account: GoogleAccount) -> None:
    """The account is going away: its exporters keep their settings and wait for another account."""
    for exporter in writing_through(session, account):
        exporter.google_account_id = None
        exporter.destination_error = (
            f"The Google account {account.email} was disconnected. Choose a Google account for this exporter."
        )
        session.add(exporter)
