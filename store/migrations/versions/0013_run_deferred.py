"""runs: when a run was last put aside for fair sharing

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 13:30:00

A run whose company already has its share of runs running stays queued with `deferred_at` set; it is
submitted again when a run of that company ends, or by the tick (workers.fair_share). It replaces RQ's
retry with an interval, which needed RQ's scheduler in every worker.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("run", sa.Column("deferred_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("run") as batch:
        batch.drop_column("deferred_at")
