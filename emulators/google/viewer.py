"""The emulator's own web UI: accounts and their spreadsheets, and a read-only view of a spreadsheet."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, render_template, request

from emulators.google.backend import SPREADSHEET_MIME
from emulators.google.persistence import rfc3339
from emulators.google.sheets.a1 import column_letter

blueprint = Blueprint("viewer", __name__)

NUMBER = re.compile(r"^\(?[-+]?[$€£]?\s?[\d,]*\.?\d+(?:[eE][-+]?\d+)?%?\)?$")


@blueprint.app_template_global()
def cell_class(cell: dict) -> str:
    """CSS classes of a cell: bold, and its alignment (numbers and dates right, as in Sheets)."""
    align = (cell.get("h_align") or "").lower()
    if not align and (cell.get("number_format") or NUMBER.match(cell.get("text") or "")):
        align = "right"
    flags = ("bold" if cell.get("bold") else "", "italic" if cell.get("italic") else "", align)
    return " ".join(c for c in flags if c)


@blueprint.app_template_global()
def cell_style(cell: dict) -> str:
    """Inline CSS for a cell's background and text colours (white backgrounds are left out)."""
    parts = []
    if cell.get("background") and cell["background"] != "#ffffff":
        parts.append(f"background:{cell['background']}")
    if cell.get("color") and cell["color"] != "#000000":
        parts.append(f"color:{cell['color']}")
    return ";".join(parts)


def _backend():
    return current_app.extensions["google_emulator"]


@blueprint.get("/")
def index() -> str:
    """Every account with the spreadsheets it owns or was shared (`?email=` shows one account)."""
    backend = _backend()
    only = (request.args.get("email") or "").strip().lower()
    accounts = [only] if only else backend.accounts()
    listing = []
    for email in accounts:
        files = [f for f in backend.visible_files(email) if f.mime_type == SPREADSHEET_MIME]
        files.sort(key=lambda f: f.modified, reverse=True)
        rows = [{"file": f, "role": f.role_of(email), "modified": rfc3339(f.modified)} for f in files]
        listing.append({"email": email, "files": rows})
    return render_template("index.html", listing=listing, only=only)


def _extent(sheet, grid: list[list[dict]]) -> tuple[int, int]:
    """Rows and columns to draw: the data (at least a screenful, 20 x 26), never past the grid."""
    width = max([len(row) for row in grid] + [26])
    return min(sheet.row_count, max(len(grid), 20)), min(sheet.column_count, width)


@blueprint.get("/spreadsheets/d/<spreadsheet_id>")
@blueprint.get("/spreadsheets/d/<spreadsheet_id>/edit")
def spreadsheet(spreadsheet_id: str) -> str:
    """One spreadsheet: a grid of formatted values and the tab strip; `?gid=` picks the tab."""
    backend = _backend()
    spreadsheet = backend.spreadsheet(spreadsheet_id)
    meta = backend.files.get(spreadsheet_id)
    if spreadsheet is None or meta is None:
        abort(404)
    sheets = list(spreadsheet.sheets)
    gid = request.args.get("gid", type=int)
    visible = [s for s in sheets if not s.hidden] or sheets
    current = next((s for s in sheets if s.sheet_id == gid), visible[0])
    grid = spreadsheet.formatted_grid(current.sheet_id)
    shown_rows, columns = _extent(current, grid)
    # The add-ons installed for whoever looks (`?as=`, else the owner) get a side panel (addon_host.py).
    viewer_email = (request.args.get("as") or meta.owner).strip().lower()
    addons = [
        {"id": d["name"].rsplit("/", 1)[-1], "name": d["addOns"]["common"]["name"]}
        for d in backend.addons.installed_for(viewer_email)
    ]
    return render_template(
        "spreadsheet.html",
        meta=meta,
        spreadsheet=spreadsheet,
        sheets=sheets,
        current=current,
        grid=grid,
        rows=range(shown_rows),
        columns=[column_letter(i) for i in range(columns)],
        refresh=request.args.get("refresh", type=int),
        modified=rfc3339(meta.modified),
        viewer_email=viewer_email,
        addons=addons if current_app.config["ADMIN"] else [],
    )
