"""How the writer treats the tab, per exporter: long cells, append snapshots, upsert deletions, reset.

These live in `Exporter.options` (read by exporters/run_inputs.py); the editor shows them with the write
mode. `reset_tab` is one-shot: the next run rewrites the tab's header and clears itself.
"""

from __future__ import annotations

from typing import Any

from web.exporters.forms import ExporterForm

WRITE_OPTIONS = ("oversize", "snapshot_column", "on_deleted", "reset_tab")


def load_write_options(form: ExporterForm, options: dict[str, Any]) -> None:
    """Put the saved write options into the form."""
    form.oversize.data = options.get("oversize", "fail")
    form.snapshot_column.data = bool(options.get("snapshot_column", True))
    form.on_deleted.data = options.get("on_deleted", "remove")
    form.reset_tab.data = bool(options.get("reset_tab"))


def write_options_from(form: ExporterForm) -> dict[str, Any]:
    """The write options the form asks for (choices are validated by the form itself)."""
    options: dict[str, Any] = {
        "oversize": form.oversize.data,
        "snapshot_column": bool(form.snapshot_column.data),
        "on_deleted": form.on_deleted.data,
    }
    if form.reset_tab.data:
        options["reset_tab"] = True
    return options
