"""One owner per tab: which exporters write a spreadsheet's tab, and who rewrote a tab's header.

Two exporters writing one tab replace each other's rows and headers; saving one is refused
(exporters.definition) and a run that finds its header rewritten by another names it.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from sheets.errors import ColumnContractBroken
from store import db
from store.models import Exporter


def same_tab(a: str, b: str) -> bool:
    """Google tells tabs apart without regard to case ("Invoices" and "invoices" are one tab)."""
    return a.strip().casefold() == b.strip().casefold()


def writers_of(
    session: Session, spreadsheet_id: str, tab: str, except_id: int | None = None
) -> list[Exporter]:
    """The exporters (of every workspace) that write this tab of this spreadsheet, oldest first."""
    rows = session.exec(
        select(Exporter).where(Exporter.spreadsheet_id == spreadsheet_id).order_by(col(Exporter.id))
    ).all()
    return [e for e in rows if e.id != except_id and same_tab(e.tab, tab)]


def header_rewritten_by(exporter: Exporter, broken: ColumnContractBroken) -> ColumnContractBroken:
    """The run's header error naming the other exporter of the same workspace whose last write is the
    header now in the tab; `broken` unchanged when no exporter of ours wrote it (a person edited it)."""
    if not broken.header or not exporter.spreadsheet_id:
        return broken
    with db.session_scope() as session:
        others = writers_of(session, exporter.spreadsheet_id, exporter.tab, except_id=exporter.id)
        culprit = next((o for o in others if tuple(o.sheet_state.labels) == broken.header), None)
        if culprit is None:
            return broken
        who = (
            f"the exporter “{culprit.name}” (#{culprit.id})"
            if culprit.workspace_id == exporter.workspace_id
            else "an exporter of another workspace"
        )
    return ColumnContractBroken(
        f"The header row of '{exporter.tab}' was rewritten by {who}, which writes the same tab "
        f"({broken.change}). Two exporters can't share a tab: edit one of them to write another tab; "
        "this run stopped and the tab was not changed.",
        broken.change,
        broken.header,
    )
