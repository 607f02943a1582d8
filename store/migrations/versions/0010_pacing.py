"""pacing: the workspace's time zone, a run's due time, an exporter's failures in a row

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 12:00:00

`workspace.time_zone` is the zone new schedules follow unless the analyst names another (UTC for existing
workspaces, as before). `run.due_at` is when a run should have started (its slot, or the "Run now" click):
the due -> running delay is `started_at - due_at`. `exporter.failure_streak` counts its failed runs since
the last success: the backoff and the self-pause read it (store.states).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(), nullable=False, server_default="UTC"))
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table("exporter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failure_streak", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("exporter", schema=None) as batch_op:
        batch_op.drop_column("failure_streak")
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.drop_column("due_at")
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
