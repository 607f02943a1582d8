"""addon links: a Google identity of the Sheets add-on linked to a Sheetbooks user

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "addonlink",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("google_sub", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("google_email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("addonlink", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_addonlink_google_sub"), ["google_sub"], unique=True)
        batch_op.create_index(batch_op.f("ix_addonlink_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("addonlink", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_addonlink_user_id"))
        batch_op.drop_index(batch_op.f("ix_addonlink_google_sub"))
    op.drop_table("addonlink")
