"""runs: the run an automatic retry retries

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10 09:00:00

A run whose worker died (SIGKILL, out of memory, a deploy) or that lost Redis for too long is retried
once automatically; the retry points at the run it retries, so the run history shows both attempts.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("run", sa.Column("retry_of_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("run") as batch:
        batch.drop_column("retry_of_id")
