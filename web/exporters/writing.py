"""How the writer treats the tab, per exporter: long cells, append snapshots, upsert deletions, reset.

These are fields of `ExporterOptions` (`exporters.definition.WRITE_OPTIONS`, read by
exporters/run_inputs.py); the editor shows them with the write mode. `reset_tab` is one-shot: the next
run rewrites the tab's header and clears it.
"""

from __future__ import annotations

from typing import Any

from store.documents import ExporterOptions
from web.exporters.forms import ExporterForm


def load_write_options(form: ExporterForm, options: ExporterOptions) -> None:
    """Put the saved write options into the form."""
    form.oversize.data = options.oversize
    form.snapshot_column.data = options.snapshot_column
    form.on_deleted.data = options.on_deleted
    form.reset_tab.data = options.reset_tab
    form.refresh_on_changes.data = options.refresh_on_changes
    form.missing_company.data = options.missing_company


def write_options_from(form: ExporterForm) -> dict[str, Any]:
    """The write options the form asks for, as ExporterOptions fields (the model checks the choices)."""
    return {
        "oversize": form.oversize.data,
        "snapshot_column": bool(form.snapshot_column.data),
        "on_deleted": form.on_deleted.data,
        "reset_tab": bool(form.reset_tab.data),
        "refresh_on_changes": bool(form.refresh_on_changes.data),
        "missing_company": form.missing_company.data or "pause",
    }
