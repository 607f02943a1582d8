"""Store operations shared by the packages above store (session first)."""

from __future__ import annotations

from sqlmodel import Session, col, delete

from store.models import Exporter, ExporterCompany, Run, Watermark


def delete_exporter(session: Session, exporter_id: int) -> None:
    """The exporter with its companies, watermarks and run history (its spreadsheet stays in Drive)."""
    session.exec(delete(Run).where(col(Run.exporter_id) == exporter_id))
    session.exec(delete(Watermark).where(col(Watermark.exporter_id) == exporter_id))
    session.exec(delete(ExporterCompany).where(col(ExporterCompany.exporter_id) == exporter_id))
    session.exec(delete(Exporter).where(col(Exporter.id) == exporter_id))
