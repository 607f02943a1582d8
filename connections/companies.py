"""QuickBooks companies of a workspace: save a consent (connect or reconnect), disconnect, remove."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session, col, delete, select

from connections.company_tokens import clear_tokens, write_tokens
from connections.pausing import exporters_reading, pause_exporters, resume_exporters
from connections.rows import saved_id
from qbo.errors import QboError
from qbo.oauth import IntuitOAuth, TokenSet, utcnow
from store import states
from store.crud import delete_exporter
from store.crypto import decrypt
from store.models import Company, CompanyStatus, Exporter, ExporterCompany, Watermark
from store.settings import get_settings

log = logging.getLogger(__name__)


def save_connection(
    session: Session,
    workspace_id: int,
    user_id: int | None,
    realm_id: str,
    tokens: TokenSet,
    company_name: str,
    now: datetime | None = None,
) -> tuple[Company, bool]:
    """Store a consent: a realm already in the workspace is reconnected (and its exporters resume)."""
    now = now or utcnow()
    environment = get_settings().qbo_environment
    company = session.exec(
        select(Company).where(
            Company.workspace_id == workspace_id,
            Company.realm_id == realm_id,
            Company.environment == environment,
        )
    ).first()
    created = company is None
    if company is None:
        company = Company(workspace_id=workspace_id, realm_id=realm_id, environment=environment)
    write_tokens(company, tokens, now)
    company.name = company_name or company.name
    company.status, company.status_reason = CompanyStatus.CONNECTED, ""
    company.connected_by_id = user_id
    company.connected_at = now
    session.add(company)
    session.flush()
    if not created:
        resume_exporters(session, company)
    return company, created


def _revoke(company: Company) -> str | None:
    """Revoke the grant at Intuit (best effort); a message for the analyst when Intuit did not confirm."""
    token = decrypt(company.refresh_token_enc) or decrypt(company.access_token_enc)
    if not token:
        return None
    try:
        IntuitOAuth().revoke(token)
    except QboError as exc:
        log.warning("revoke failed for company %s: %s", company.id, exc)
        return (
            f"Intuit did not confirm the disconnection ({exc.message}). Sheetbooks deleted its tokens "
            "anyway; to be sure, remove Sheetbooks from the company's Apps page in QuickBooks."
        )
    return None


def disconnect(session: Session, company: Company) -> str | None:
    """Revoke and forget the tokens; the company and its (paused) exporters stay for a reconnect."""
    warning = _revoke(company)
    clear_tokens(company)
    company.status = CompanyStatus.DISCONNECTED
    company.status_reason = "Disconnected from QuickBooks; reconnect it to resume its exporters."
    session.add(company)
    pause_exporters(session, company)
    return warning


def remove_company(session: Session, company: Company) -> str | None:
    """Delete the company; exporters reading only it go with their runs and watermarks.

    An exporter that also reads other companies stays: it just drops this company (and is resumed
    if this company was what paused it).
    """
    company_id = saved_id(company)
    warning = _revoke(company)
    resume_exporters(session, company)
    for exporter in exporters_reading(session, company):
        others = session.exec(
            select(ExporterCompany).where(
                ExporterCompany.exporter_id == exporter.id, ExporterCompany.company_id != company_id
            )
        ).first()
        if others is None and exporter.id is not None:
            delete_exporter(session, exporter.id)
    session.exec(delete(Watermark).where(col(Watermark.company_id) == company_id))
    session.exec(delete(ExporterCompany).where(col(ExporterCompany.company_id) == company_id))
    session.delete(company)
    session.flush()
    for exporter in session.exec(select(Exporter).where(Exporter.workspace_id == company.workspace_id)).all():
        states.settle(session, exporter)  # no exporter stays held by a company that is gone
    return warning
