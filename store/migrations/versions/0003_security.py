"""security: server-side login sessions, spent OAuth states, outbox links encrypted until delivery

Revision ID: 0003_security
Revises: 0002_typed_documents
Create Date: 2026-12-03 07:40:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Links written in clear by earlier versions (reset and invite links): redacted, never kept.
_LIVE_LINK = re.compile(r"\S+/(?:password/reset|join)/[A-Za-z0-9_\-]+")


def upgrade() -> None:
    op.create_table(
        "loginsession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("loginsession", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loginsession_token_hash"), ["token_hash"], unique=True)
        batch_op.create_index(batch_op.f("ix_loginsession_user_id"), ["user_id"], unique=False)

    op.create_table(
        "spentoauthstate",
        sa.Column("state_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("spent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("state_hash"),
    )
    with op.batch_alter_table("spentoauthstate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spentoauthstate_spent_at"), ["spent_at"], unique=False)

    with op.batch_alter_table("outboxemail", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("link_enc", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("delivered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    outbox = sa.table("outboxemail", sa.column("id", sa.Integer()), sa.column("body", sa.String()))
    connection = op.get_bind()
    for row_id, body in connection.execute(sa.select(outbox.c.id, outbox.c.body)).all():
        redacted = _LIVE_LINK.sub("(link removed: ask for a new one)", body)
        if redacted != body:
            connection.execute(sa.update(outbox).where(outbox.c.id == row_id).values(body=redacted))


def downgrade() -> None:
    with op.batch_alter_table("outboxemail", schema=None) as batch_op:
        batch_op.drop_column("delivered_at")
        batch_op.drop_column("link_enc")
    with op.batch_alter_table("spentoauthstate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spentoauthstate_spent_at"))
    op.drop_table("spentoauthstate")
    with op.batch_alter_table("loginsession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loginsession_user_id"))
        batch_op.drop_index(batch_op.f("ix_loginsession_token_hash"))
    op.drop_table("loginsession")
