"""states: exporter state and typed pauses, follow-up runs, run heartbeats

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 08:30:00

ExporterOptions version 3: `refresh_on_changes` and `missing_company` (their defaults), and no more
`paused_by_companies`: the exporter's pauses move out of its options and its free-text reason into a
typed `pauses` document (store.documents.ExporterPauses); `state` is derived from them (store.states).
An exporter disabled without a pausing company was disabled by a user: the user named in its reason
("Disabled by x@y.") when there is one.
"""

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

from store.documents import ExporterOptions

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

exporter = sa.table(
    "exporter",
    sa.column("id", sa.Integer),
    sa.column("options", sa.JSON),
    sa.column("enabled", sa.Boolean),
    sa.column("paused_reason", sa.String),
    sa.column("pauses", sa.JSON),
    sa.column("state", sa.String),
)
company = sa.table(
    "company", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("realm_id", sa.String)
)
_DISABLED_BY = re.compile(r"Disabled by (\S+?)\.?$")


def upgrade() -> None:
    with op.batch_alter_table("exporter", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="active")
        )
        batch_op.add_column(sa.Column("pauses", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("follow_up_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    connection = op.get_bind()
    names = {row.id: row.name or row.realm_id for row in connection.execute(sa.select(company)).all()}
    rows = connection.execute(
        sa.select(exporter.c.id, exporter.c.options, exporter.c.enabled, exporter.c.paused_reason)
    ).all()
    for row in rows:
        options = dict(row.options or {})
        by = options.pop("paused_by_companies", None) or []
        options = ExporterOptions.read(options).model_dump(mode="json")  # version 3
        pauses: dict[str, Any] = {"version": 1}
        state = "active"
        if by:
            pauses["companies"] = [{"company_id": i, "name": names.get(i, f"company {i}")} for i in by]
            state = "paused_company"
        elif not row.enabled:
            match = _DISABLED_BY.search(row.paused_reason or "")
            pauses["disabled_by"] = match.group(1) if match else "a user"
            state = "disabled"
        connection.execute(
            sa.update(exporter)
            .where(exporter.c.id == row.id)
            .values(options=options, pauses=pauses, state=state)
        )


def downgrade() -> None:
    connection = op.get_bind()
    for row in connection.execute(sa.select(exporter.c.id, exporter.c.options, exporter.c.pauses)).all():
        options = dict(row.options or {})
        options.pop("refresh_on_changes", None)
        options.pop("missing_company", None)
        companies = [c["company_id"] for c in (row.pauses or {}).get("companies", [])]
        if companies:
            options["paused_by_companies"] = companies
        if options.get("version") == 3:
            options["version"] = 2
        connection.execute(sa.update(exporter).where(exporter.c.id == row.id).values(options=options))
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.drop_column("heartbeat_at")
    with op.batch_alter_table("exporter", schema=None) as batch_op:
        batch_op.drop_column("follow_up_at")
        batch_op.drop_column("pauses")
        batch_op.drop_column("state")
