"""The typed shapes of /api/v1: the same pydantic models validate requests, serialize responses and make the
OpenAPI document (flask-openapi3), so the document cannot drift from what the API does.

An exporter is written with `exporters.definition.ExporterDefinition` itself (the model the dashboard's
editor and the add-on hand to the definition service); a schedule is `exporters.schedules.ScheduleSpec`.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from exporters.schedules import ScheduleSpec
from store.documents import ExporterOptions, RunStats
from store.models import ExporterState, RunStatus, WriteMode

ROW_ID = Field(ge=1, le=2**31 - 1, description="An id as the dashboard shows it")
T = TypeVar("T")


def example(value: dict[str, Any]) -> ConfigDict:
    """An example for the document (the Schema's `example`: the key flask-openapi3's Schema keeps)."""
    return ConfigDict(json_schema_extra={"example": value})


# -- errors ----------------------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. not_found, invalid, tab_taken")
    message: str = Field(description="What went wrong and what to do, in words")
    field: str | None = Field(default=None, description="The request field to fix, when there is one")


class ErrorBody(BaseModel):
    """Every error answer: the first problem in `error`, all of them in `errors`."""

    model_config = example(
        {
            "error": {
                "code": "tab_taken",
                "message": "The exporter “Open invoices” already writes the tab “Invoices” of this "
                "spreadsheet: choose another tab (two exporters in one tab replace each other's rows), or "
                "edit that exporter.",
                "field": "tab",
            },
            "errors": [],
        }
    )

    error: ErrorDetail
    errors: list[ErrorDetail] = Field(default_factory=list)


# -- paths and queries ----------------------------------------------------------------------------------


class CompanyPath(BaseModel):
    company_id: int = ROW_ID


class GoogleAccountPath(BaseModel):
    account_id: int = ROW_ID


class ExporterPath(BaseModel):
    exporter_id: int = ROW_ID


class RunPath(BaseModel):
    run_id: int = ROW_ID


class SourcePath(BaseModel):
    source_key: str = Field(max_length=100, description="A source's key, e.g. invoices")


class SpreadsheetPath(BaseModel):
    spreadsheet_id: str = Field(max_length=200, description="A spreadsheet id")


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cursor: str | None = Field(
        default=None, pattern=r"^[0-9]{1,10}$", description="`next_cursor` of the previous page"
    )
    limit: int = Field(default=50, ge=1, le=200)


class ExporterQuery(PageQuery):
    company_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    source: str | None = Field(default=None, max_length=100)
    status: ExporterState | None = None
    spreadsheet_id: str | None = Field(default=None, max_length=300, description="An id or a link")


# -- answers ---------------------------------------------------------------------------------------------


class ListOf(BaseModel, Generic[T]):
    data: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page; null: done"
    )


class TokenHealthOut(BaseModel):
    level: str = Field(description="ok, warning, expired, or the company's status")
    message: str
    days_left: float | None
    refresh_expires_at: AwareDatetime | None
    refresh_hard_expires_at: AwareDatetime | None


class CompanyOut(BaseModel):
    model_config = example(
        {
            "id": 3,
            "name": "Craig's Design and Landscaping",
            "realm_id": "9130350604308916",
            "environment": "sandbox",
            "status": "connected",
            "status_reason": "",
            "connected_at": "2026-12-01T09:30:00+00:00",
            "token_health": {
                "level": "ok",
                "message": "The connection to Craig's Design and Landscaping is healthy.",
                "days_left": 99.5,
                "refresh_expires_at": "2027-03-11T09:30:00+00:00",
                "refresh_hard_expires_at": "2031-12-01T09:30:00+00:00",
            },
            "api_calls_this_month": 412,
        }
    )

    id: int
    name: str
    realm_id: str
    environment: str
    status: str = Field(description="connected, refresh_failing, needs_reconnect or disconnected")
    status_reason: str
    connected_at: AwareDatetime
    token_health: TokenHealthOut
    api_calls_this_month: int = Field(description="QuickBooks calls of runs reading it since the 1st (UTC)")


class GoogleAccountOut(BaseModel):
    model_config = example(
        {
            "id": 2,
            "email": "analyst@example.com",
            "kind": "user",
            "status": "connected",
            "status_reason": "",
            "connected_at": "2026-12-01T09:31:00+00:00",
        }
    )

    id: int
    email: str
    kind: str = Field(description="user or service_account")
    status: str
    status_reason: str
    connected_at: AwareDatetime


class ColumnOut(BaseModel):
    key: str
    label: str
    type: str = Field(description="text, number, money, date, datetime or bool")
    description: str
    default: bool = Field(description="Chosen when the exporter names no columns in the editor")


class SourceOut(BaseModel):
    model_config = example(
        {
            "key": "invoices",
            "label": "Invoices",
            "kind": "entity",
            "group": "Sales",
            "description": "One row per invoice",
            "options": ["date_range", "customer_ids", "status", "where", "company_columns"],
            "columns": [
                {
                    "key": "doc_number",
                    "label": "Invoice #",
                    "type": "text",
                    "description": "",
                    "default": True,
                }
            ],
        }
    )

    key: str
    label: str
    kind: str = Field(description="entity or report")
    group: str
    description: str
    options: list[str] = Field(description="The `options` fields of an exporter this source reads")
    columns: list[ColumnOut]


class ExporterOut(BaseModel):
    model_config = example(
        {
            "id": 7,
            "name": "Open invoices",
            "source": "invoices",
            "company_ids": [3],
            "google_account_id": 2,
            "spreadsheet_id": "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
            "spreadsheet_title": "Board pack",
            "spreadsheet_url": "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit",
            "tab": "Invoices",
            "columns": ["number", "date", "customer", "total", "balance"],
            "options": {"version": 3, "status": "open"},
            "write_mode": "replace",
            "schedule": {"cron": "0 7 * * 1-5", "timezone": "America/New_York"},
            "schedule_text": "Every weekday at 07:00 (America/New_York)",
            "next_runs": [
                "2026-12-07T07:00:00-05:00",
                "2026-12-08T07:00:00-05:00",
                "2026-12-09T07:00:00-05:00",
                "2026-12-10T07:00:00-05:00",
                "2026-12-11T07:00:00-05:00",
            ],
            "time_zone": "America/New_York",
            "enabled": True,
            "status": "active",
            "paused_reason": "",
            "destination_error": "",
            "created_at": "2026-12-04T10:00:00+00:00",
        }
    )

    id: int
    name: str
    source: str
    company_ids: list[int]
    google_account_id: int | None
    spreadsheet_id: str
    spreadsheet_title: str
    spreadsheet_url: str | None
    tab: str
    columns: list[str]
    options: ExporterOptions
    write_mode: WriteMode
    schedule: ScheduleSpec | None = Field(description="null: runs only when triggered")
    schedule_text: str = Field(description="The schedule in words, with its time zone")
    next_runs: list[AwareDatetime] = Field(description="The next five scheduled runs, ISO 8601 with offset")
    time_zone: str
    enabled: bool = Field(description="The user's own switch (pause/resume)")
    status: ExporterState = Field(description="active, or why it does not run on its own")
    paused_reason: str
    destination_error: str
    created_at: AwareDatetime


class ExporterPatch(BaseModel):
    """The fields to change; the others keep their saved values (`options` fields are merged one by one)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    source: str | None = None
    company_ids: list[int] | None = None
    google_account_id: int | None = None
    spreadsheet_id: str | None = None
    spreadsheet_title: str | None = None
    tab: str | None = None
    columns: list[str] | None = None
    options: dict[str, Any] | None = None
    write_mode: WriteMode | None = None
    schedule: ScheduleSpec | None = None
    time_zone: str | None = None
    enabled: bool | None = None


class CallsOut(BaseModel):
    quickbooks: int
    google_sheets: int


class RunOut(BaseModel):
    model_config = example(
        {
            "id": 42,
            "exporter_id": 7,
            "trigger": "manual",
            "status": "failed",
            "active": False,
            "queued_at": "2026-12-04T10:00:00+00:00",
            "started_at": "2026-12-04T10:00:01+00:00",
            "finished_at": "2026-12-04T10:00:09+00:00",
            "duration_seconds": 8.0,
            "progress": "Failed",
            "rows": 0,
            "calls": {"quickbooks": 3, "google_sheets": 1},
            "error": "QuickBooks connection for Craig's Design needs reconnecting: invalid_grant",
            "what_to_do": "Reconnect the company under Companies, then trigger the exporter again.",
            "stats": {"version": 1},
        }
    )

    id: int
    exporter_id: int
    trigger: str = Field(description="manual, schedule or webhook")
    status: RunStatus
    active: bool = Field(description="queued or running")
    queued_at: AwareDatetime
    started_at: AwareDatetime | None
    finished_at: AwareDatetime | None
    duration_seconds: float | None
    progress: str
    rows: int
    calls: CallsOut
    error: str
    what_to_do: str = Field(description="For a failed run: the next step; empty otherwise")
    stats: RunStats


class CompanyList(ListOf[CompanyOut]):
    pass


class GoogleAccountList(ListOf[GoogleAccountOut]):
    pass


class SourceList(ListOf[SourceOut]):
    pass


class ExporterList(ListOf[ExporterOut]):
    pass


class RunList(ListOf[RunOut]):
    pass


class Deleted(BaseModel):
    id: int
    deleted: bool = True
