"""cron schedules: an exporter's schedule is a cron expression in a time zone

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 11:00:00

`schedule_minutes` (15, 60, 360, 1440 minutes counted in UTC from the save) becomes `schedule_cron` +
`schedule_time_zone` (exporters.schedules). Each interval becomes the cron expression that keeps the
exporter at the minute (and for daily ones the hour) of its pending next run, in UTC, so nothing moves
for the analyst; a manual exporter gets "".
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

exporter = sa.table(
    "exporter",
    sa.column("id", sa.Integer),
    sa.column("schedule_minutes", sa.Integer),
    sa.column("schedule_cron", sa.String),
    sa.column("schedule_time_zone", sa.String),
    sa.column("next_run_at", sa.DateTime),
)


def cron_of(minutes: int | None, minute: int, hour: int) -> str:
    if not minutes:
        return ""
    if minutes < 60:
        return f"*/{max(minutes, 15)} * * * *"
    if minutes < 1440:
        return f"{minute} */{minutes // 60} * * *" if minutes > 60 else f"{minute} * * * *"
    return f"{minute} {hour} * * *"


def upgrade() -> None:
    with op.batch_alter_table("exporter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("schedule_cron", sa.String(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("schedule_time_zone", sa.String(), nullable=False, server_default="UTC")
        )
    bind = op.get_bind()
    for row in bind.execute(sa.select(exporter.c.id, exporter.c.schedule_minutes, exporter.c.next_run_at)):
        due = row.next_run_at
        cron = cron_of(row.schedule_minutes, due.minute if due else 0, due.hour if due else 6)
        bind.execute(exporter.update().where(exporter.c.id == row.id).values(schedule_cron=cron))
    with op.batch_alter_table("exporter", schema=None) as batch_op:
        batch_op.drop_column("schedule_minutes")


def downgrade() -> None:
    with op.batch_alter_table("exporter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("schedule_minutes", sa.Integer(), nullable=True))
    bind = op.get_bind()
    for row in bind.execute(sa.select(exporter.c.id, exporter.c.schedule_cron)):
        cron = row.schedule_cron or ""
        minutes = None
        if cron.startswith("*/"):
            minutes = int(cron.split()[0][2:])
        elif cron:
            hours = cron.split()[1]
            minutes = 60 if hours == "*" else 60 * int(hours[2:]) if hours.startswith("*/") else 1440
        bind.execute(exporter.update().where(exporter.c.id == row.id).values(schedule_minutes=minutes))
    with op.batch_alter_table("exporter", schema=None) as batch_op:
        batch_op.drop_column("schedule_time_zone")
        batch_op.drop_column("schedule_cron")
