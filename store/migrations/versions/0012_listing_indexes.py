"""listing indexes: every list's filter and order (store.listing), newest first within a workspace

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 10:00:00

The single-column indexes on run.workspace_id, run.exporter_id and exporter.workspace_id are replaced
by composites ending in `id`: a page "newest first" reads the index backwards and stops after a page,
and an exporter's latest run is one probe of (exporter_id, id). On a large PostgreSQL table these
CREATE INDEX statements lock writes to the table while they build (seconds at 100,000 runs).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW = {
    "exporter": {
        "ix_exporter_workspace_id_id": ["workspace_id", "id"],
        "ix_exporter_workspace_id_state_id": ["workspace_id", "state", "id"],
        "ix_exporter_workspace_id_source_id": ["workspace_id", "source", "id"],
        "ix_exporter_workspace_id_google_account_id_id": ["workspace_id", "google_account_id", "id"],
    },
    "exportercompany": {"ix_exportercompany_company_id_exporter_id": ["company_id", "exporter_id"]},
    "run": {
        "ix_run_workspace_id_id": ["workspace_id", "id"],
        "ix_run_exporter_id_id": ["exporter_id", "id"],
        "ix_run_workspace_id_status_id": ["workspace_id", "status", "id"],
        "ix_run_workspace_id_queued_at": ["workspace_id", "queued_at"],
    },
}
REPLACED = {
    "exporter": {"ix_exporter_workspace_id": ["workspace_id"]},
    "run": {"ix_run_workspace_id": ["workspace_id"], "ix_run_exporter_id": ["exporter_id"]},
}


def upgrade() -> None:
    for table, indexes in NEW.items():
        for name, columns in indexes.items():
            op.create_index(name, table, columns)
    for table, indexes in REPLACED.items():
        for name in indexes:
            op.drop_index(name, table_name=table)


def downgrade() -> None:
    for table, indexes in REPLACED.items():
        for name, columns in indexes.items():
            op.create_index(name, table, columns)
    for table, indexes in NEW.items():
        for name in indexes:
            op.drop_index(name, table_name=table)
