"""/api/v1 exporters: list, get, create, update, delete, pause, resume, and what writes into a spreadsheet.

Creating and changing go through `exporters.definition.save`, the function behind the dashboard's editor:
the same rules refuse the same input with the same message (409 for a tab another exporter writes).
"""

from __future__ import annotations

from flask import g
from flask_openapi3.types import ResponseDict
from pydantic import ValidationError

from exporters.definition import DefinitionRefused, ExporterDefinition, definition_of, delete_exporter, save
from exporters.switch import pause, resume
from sheets.client import spreadsheet_key
from store import listing
from store.models import Exporter
from web.api import TAGS, api
from web.api.problems import ApiError, refused
from web.api.represent import exporter_out, exporters_out, listed_exporter_out
from web.api.schemas import (
    Deleted,
    ErrorBody,
    ExporterList,
    ExporterOut,
    ExporterPatch,
    ExporterPath,
    ExporterQuery,
    SpreadsheetPath,
)
from web.api.views import Answer, cursor_id, cursor_of, found, ok
from web.database import get_session

EXPORTERS = [TAGS["exporters"]]
SAVE_ANSWERS: ResponseDict = {409: ErrorBody}


@api.get("/exporters", tags=EXPORTERS, summary="List exporters", responses={200: ExporterList})
def list_exporters(query: ExporterQuery) -> Answer:
    spreadsheet = query.spreadsheet_id
    filters = listing.ExporterFilters(
        company_id=query.company_id,
        source=query.source,
        state=query.status,
        spreadsheet_id=None if spreadsheet is None else spreadsheet_key(spreadsheet),
    )
    page = listing.list_exporters(
        get_session(),
        g.workspace.id,
        filters,
        cursor_id(query.cursor),
        query.limit,
        listing.Order.OLDEST_FIRST,
    )
    data = [listed_exporter_out(row) for row in page.rows]
    return ok(ExporterList(data=data, next_cursor=cursor_of(page.next_cursor)))


@api.get(
    "/exporters/<int:exporter_id>", tags=EXPORTERS, summary="Get an exporter", responses={200: ExporterOut}
)
def get_exporter(path: ExporterPath) -> Answer:
    return ok(exporter_out(get_session(), found(Exporter, path.exporter_id)))


def _saved(definition: ExporterDefinition, exporter: Exporter | None, status: int) -> Answer:
    session = get_session()
    try:
        saved = save(session, g.workspace.id, definition, exporter, by=g.user.email)
    except DefinitionRefused as refusal:
        session.rollback()
        raise refused(refusal.errors) from None
    session.commit()
    return ok(exporter_out(session, saved), status)


@api.post(
    "/exporters",
    tags=EXPORTERS,
    summary="Create an exporter",
    description="An empty `spreadsheet_id` creates a new spreadsheet titled `spreadsheet_title`.",
    responses={201: ExporterOut, **SAVE_ANSWERS},
)
def create_exporter(body: ExporterDefinition) -> Answer:
    return _saved(body, None, 201)


@api.patch(
    "/exporters/<int:exporter_id>",
    tags=EXPORTERS,
    summary="Change an exporter",
    description="Only the fields sent change; `options` fields are merged into the saved options.",
    responses={200: ExporterOut, **SAVE_ANSWERS},
)
def update_exporter(path: ExporterPath, body: ExporterPatch) -> Answer:
    exporter = found(Exporter, path.exporter_id)
    current = definition_of(get_session(), exporter).model_dump()
    changes = body.model_dump(exclude_unset=True)
    if "options" in changes:
        changes["options"] = {**current["options"], **(changes["options"] or {})}
    try:
        definition = ExporterDefinition.model_validate({**current, **changes})
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ApiError(422, f"{field}: {first['msg']}", field) from None
    return _saved(definition, exporter, 200)


@api.delete(
    "/exporters/<int:exporter_id>",
    tags=EXPORTERS,
    summary="Delete an exporter",
    description="Deletes the exporter and its run history; the spreadsheet stays in Drive.",
    responses={200: Deleted},
)
def remove_exporter(path: ExporterPath) -> Answer:
    exporter = found(Exporter, path.exporter_id)
    session = get_session()
    delete_exporter(session, exporter)
    session.commit()
    return ok(Deleted(id=path.exporter_id))


@api.post(
    "/exporters/<int:exporter_id>/pause",
    tags=EXPORTERS,
    summary="Pause an exporter",
    description="The user's switch: no scheduled or webhook runs until resumed; its queued run is cancelled.",
    responses={200: ExporterOut},
)
def pause_exporter(path: ExporterPath) -> Answer:
    exporter = found(Exporter, path.exporter_id)
    session = get_session()
    pause(session, exporter, by=g.user.email)
    session.commit()
    return ok(exporter_out(session, exporter))


@api.post(
    "/exporters/<int:exporter_id>/resume",
    tags=EXPORTERS,
    summary="Resume an exporter",
    description="Lifts the user's pause; an exporter held by a disconnected company or Google account stays "
    "paused (`status` and `paused_reason` say which) until that is reconnected.",
    responses={200: ExporterOut},
)
def resume_exporter(path: ExporterPath) -> Answer:
    exporter = found(Exporter, path.exporter_id)
    session = get_session()
    resume(session, exporter)
    session.commit()
    return ok(exporter_out(session, exporter))


@api.get(
    "/spreadsheets/<spreadsheet_id>/exporters",
    tags=EXPORTERS,
    summary="Exporters writing into a spreadsheet",
    responses={200: ExporterList},
)
def spreadsheet_exporters(path: SpreadsheetPath) -> Answer:
    session = get_session()
    exporters = listing.exporters_writing_into(
        session, [g.workspace.id], spreadsheet_key(path.spreadsheet_id)
    )
    return ok(ExporterList(data=exporters_out(session, exporters)))
