"""definitions: company columns part of the exporter's options; the viewer's time zone on the user

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:30:00

ExporterOptions version 2 has `company_columns`: the tab's Company and Realm ID columns are decided by the
exporter's definition, no longer by how many companies it has at run time. An exporter gets them when it
reads several companies today, or when the tab it last wrote has them (a company was already removed and
the next run would have dropped them).
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from store.documents import ExporterOptions

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

exporter = sa.table(
    "exporter", sa.column("id", sa.Integer), sa.column("options", sa.JSON), sa.column("sheet_state", sa.JSON)
)
exporter_company = sa.table("exportercompany", sa.column("exporter_id", sa.Integer))


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(), nullable=False, server_default=""))
    connection = op.get_bind()
    counts = dict(
        connection.execute(
            sa.select(exporter_company.c.exporter_id, sa.func.count()).group_by(
                exporter_company.c.exporter_id
            )
        ).all()
    )
    for row in connection.execute(sa.select(exporter.c.id, exporter.c.options, exporter.c.sheet_state)).all():
        stored = dict(row.options or {})
        carried = stored.pop("paused_by_companies", None)  # moved to the exporter's pauses by 0005
        options = ExporterOptions.read(stored)
        wrote_them = "realm_id" in (row.sheet_state or {}).get("keys", [])
        if counts.get(row.id, 0) > 1 or wrote_them:
            options = options.model_copy(update={"company_columns": True})
        written = options.model_dump(mode="json")
        if carried:
            written["paused_by_companies"] = carried
        connection.execute(sa.update(exporter).where(exporter.c.id == row.id).values(options=written))


def _options_v1(stored: Any) -> dict[str, Any]:
    options = {k: v for k, v in dict(stored or {}).items() if k != "company_columns"}
    return {**options, "version": 1}


def downgrade() -> None:
    connection = op.get_bind()
    for row in connection.execute(sa.select(exporter.c.id, exporter.c.options)).all():
        connection.execute(
            sa.update(exporter).where(exporter.c.id == row.id).values(options=_options_v1(row.options))
        )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
