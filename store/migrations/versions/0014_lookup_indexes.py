"""lookup indexes: the run an automatic retry retries, the exporters writing into a spreadsheet

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 13:40:00

A run's page looks up the retry that retried it ("Retried as #n"): without an index that read every run
of the workspace (28 ms of the page's 35 at 100,000 runs in bench/dashboard.py). The add-on's homepage
and GET /api/v1/spreadsheets/{id}/exporters look up the exporters writing into one spreadsheet: without an
index that read every exporter of the workspace.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_run_retry_of_id", "run", ["retry_of_id"])
    op.create_index("ix_exporter_workspace_id_spreadsheet_id", "exporter", ["workspace_id", "spreadsheet_id"])


def downgrade() -> None:
    op.drop_index("ix_exporter_workspace_id_spreadsheet_id", table_name="exporter")
    op.drop_index("ix_run_retry_of_id", table_name="run")
