"""mail: failure-mail preference per user, and sending attempts on the outbox

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 10:00:00

`user.failure_mail` (immediate | digest | off, existing users: digest) and `user.failures_mailed_at` (the
end of the last window of failed runs mailed); `outboxemail.attempts`, `next_attempt_at`, `last_error`
(the send job's bounded retry with backoff, mail.sending). Emails already in the outbox stay unsent
unless delivered (they were the demo's).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "failure_mail", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="digest"
            )
        )
        batch_op.add_column(
            sa.Column("failures_mailed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("outboxemail", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("next_attempt_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_outboxemail_next_attempt_at"), ["next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outboxemail", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outboxemail_next_attempt_at"))
        batch_op.drop_column("last_error")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("failures_mailed_at")
        batch_op.drop_column("failure_mail")
