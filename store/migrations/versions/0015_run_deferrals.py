"""runs: how many times a run was deferred for fair sharing

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 16:10:00

A deferred run's job ends; the job that submits the run again (when a run of its company ends, or the
tick) is named after the count (store.redis_keys.run_job_id), so it is never mistaken for the deferred job
still finishing: on main a wake that came in the milliseconds between the deferral and RQ marking that job
finished found it "started" and submitted nothing, and the run waited for the tick.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("run") as batch:
        batch.add_column(sa.Column("deferrals", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("run") as batch:
        batch.drop_column("deferrals")
