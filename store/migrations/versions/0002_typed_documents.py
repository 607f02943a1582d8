"""typed documents: exporter options, sheet state and run stats rewritten as version-1 documents

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 07:40:00

The columns stay JSON; their rows are rewritten in the current version of store.documents (version 0
was the untyped dict: keys missing, one id or a list, "last_month" as a date range, ...). A row that
cannot be read stops the upgrade, naming the row and what is wrong with it: nothing is dropped silently
(keys no version ever read are, with a warning in the log).
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from pydantic import ValidationError

from store.documents import PARTIES, Document, ExporterOptions, RunStats, SheetState

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plain JSON here: the migration reads and writes the stored dicts itself.
exporter = sa.table(
    "exporter", sa.column("id", sa.Integer), sa.column("options", sa.JSON), sa.column("sheet_state", sa.JSON)
)
run = sa.table("run", sa.column("id", sa.Integer), sa.column("stats", sa.JSON))

Rewrite = Callable[[Any], Any]


def _rewrite(table: sa.TableClause, columns: dict[str, Rewrite]) -> None:
    connection = op.get_bind()
    names = list(columns)
    rows = connection.execute(sa.select(table.c.id, *(table.c[n] for n in names))).all()
    for row in rows:
        values = {}
        for name, rewrite in columns.items():
            try:
                values[name] = rewrite(getattr(row, name))
            except ValidationError as exc:
                raise RuntimeError(f"{table.name} {row.id}: its stored {name} cannot be read: {exc}") from exc
        connection.execute(sa.update(table).where(table.c.id == row.id).values(**values))


def _current(model: type[Document]) -> Rewrite:
    return lambda stored: model.read(stored).model_dump(mode="json")


def _options(stored: Any) -> Any:
    """The current options; the pausing companies (moved out of the options by 0005) carried for 0005."""
    out = _current(ExporterOptions)(stored)
    if isinstance(stored, dict) and "paused_by_companies" in stored:
        out["paused_by_companies"] = stored["paused_by_companies"]
    return out


def upgrade() -> None:
    _rewrite(exporter, {"options": _options, "sheet_state": _current(SheetState)})
    _rewrite(run, {"stats": _current(RunStats)})


# -- back to version 0, for the code before 0002 -----------------------------------------------------


def _options_v0(stored: Any) -> dict[str, Any]:
    options = dict(stored or {})
    options.pop("version", None)
    for party in PARTIES:
        if ids := options.pop(f"{party}_ids", None):
            options[party] = ids
    return options


def _sheet_state_v0(stored: Any) -> dict[str, Any]:
    state = dict(stored or {})
    state.pop("version", None)
    return state if state.get("sheet_id") is not None or state.get("labels") else {}


def _stats_v0(stored: Any) -> dict[str, Any]:
    stats = {k: v for k, v in dict(stored or {}).items() if k != "version"}
    return {k: v for k, v in stats.items() if v is not None}


def downgrade() -> None:
    _rewrite(exporter, {"options": _options_v0, "sheet_state": _sheet_state_v0})
    _rewrite(run, {"stats": _stats_v0})
