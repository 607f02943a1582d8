"""The source catalog: every source by key, for the export run and the web editor."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from exporters.columns import CUSTOM_PREFIX, Column, Field, Row
from exporters.sources.base import (
    COMPANY_FIELDS,
    CompanyContext,
    IncrementalSource,
    RunContext,
    StatementSource,
)
from exporters.sources.budget_vs_actuals import BudgetVsActualsSource
from exporters.sources.entities import ENTITY_SOURCES
from exporters.sources.lines import LINE_SOURCES
from exporters.sources.reports import REPORT_SOURCES
from qbo.client import QboClient
from store.documents import ExporterOptions


class Source(Protocol):
    """An entity list or a report: typed columns, streamed rows, and what else a run may ask of it."""

    @property
    def key(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def kind(self) -> str: ...  # "entity" | "report"

    @property
    def group(self) -> str: ...

    @property
    def description(self) -> str: ...  # what a row is; may be empty (the label says it)

    def columns(self, options: ExporterOptions | None = None) -> list[Column]: ...

    def default_columns(self, options: ExporterOptions | None = None) -> list[Column]: ...

    def rows(
        self,
        client: QboClient,
        company: CompanyContext,
        options: ExporterOptions,
        run: RunContext,
        keys: Sequence[str] | None = None,
    ) -> Iterator[Row]: ...

    def field_for(self, key: str) -> Field | None:
        """The field of a column key, custom fields included (`custom:<name>`); None when there is none."""
        ...

    def as_statement(self, options: ExporterOptions) -> StatementSource | None:
        """This source when, with these options, it writes one statement table instead of rows."""
        ...

    def as_incremental(self) -> IncrementalSource | None:
        """This source when an upsert can keep its rows up to date from the changes since a watermark."""
        ...


ALL_SOURCES: tuple[Source, ...] = (*ENTITY_SOURCES, *LINE_SOURCES, *REPORT_SOURCES, BudgetVsActualsSource())
SOURCES: dict[str, Source] = {s.key: s for s in ALL_SOURCES}


class UnknownSource(KeyError):
    """No source has this key."""

    def __str__(self) -> str:
        return str(self.args[0])


def get_source(key: str) -> Source:
    """The source with this key; UnknownSource (a KeyError) names the known ones."""
    try:
        return SOURCES[key]
    except KeyError:
        raise UnknownSource(
            f"There is no source '{key}'. Known sources: {', '.join(sorted(SOURCES))}"
        ) from None


def list_sources() -> list[dict[str, str]]:
    """Key, label, kind, group and description of every source, for the editor's picker."""
    return [
        {
            "key": s.key,
            "label": s.label,
            "kind": s.kind,
            "group": s.group,
            "description": s.description or f"{s.label} from QuickBooks",
        }
        for s in SOURCES.values()
    ]


def resolve_columns(
    source: Source, saved_keys: Sequence[str] | None, options: ExporterOptions | None = None
) -> list[Column]:
    """The exporter's columns in its saved order; the source's defaults when none are saved.

    Keys the source no longer has are dropped; columns added to the source later are not inserted, so the
    analyst's order (and the sheet's header) never moves by itself.
    """
    if not saved_keys:
        return source.default_columns(options)
    known = {c.key: c for c in source.columns(options)}
    out = []
    for key in saved_keys:
        if key in known:
            out.append(known[key])
        elif key.startswith(CUSTOM_PREFIX) and (custom := source.field_for(key)) is not None:
            out.append(custom.column)
    return out


def row_keys(source: IncrementalSource, options: ExporterOptions) -> list[str]:
    """The columns that identify an upserted row: with company columns the realm id too."""
    return ["realm_id", *source.key_columns] if options.company_columns else list(source.key_columns)


def written_columns(
    source: Source, saved_keys: Sequence[str], options: ExporterOptions, write_mode: str = "replace"
) -> list[Column]:
    """Every column the tab gets, in the order written: Company and Realm ID first when the definition has
    company columns, then the saved columns, then the row keys an upsert needs and the analyst left out.

    Decided by the definition alone (never by how many companies the exporter has right now), so the
    tab's columns stay where formulas and pivots expect them. Statement reports write their own table."""
    columns = resolve_columns(source, saved_keys, options)
    have = {c.key for c in columns}
    needed = [f.column for f in COMPANY_FIELDS if options.company_columns and f.column.key not in have]
    incremental = source.as_incremental() if write_mode == "upsert" else None
    keys = row_keys(incremental, options) if incremental is not None else []
    known = {c.key: c for c in source.columns(options)}
    needed += [known[k] for k in keys if k not in have and k in known and known[k] not in needed]
    return needed + columns


def features(source: Any) -> dict[str, Any]:
    """Which options make sense for the source (the editor shows those fields, the API lists them)."""
    if source is None:
        return {}
    report = source.kind == "report"
    spec = None if report else getattr(source, "filters", None)
    filters = list(source.filter_params) if report else [name for name, _ref in (spec.party if spec else ())]
    budget = bool(getattr(source, "takes_budget", False))
    return {
        "date_range": report or bool(spec and spec.date_field),
        "report": report,
        # a statement or tidy rows, companies side by side or in blocks (detail reports are only rows)
        "layouts": report and not budget and bool(getattr(source, "layouts", True)),
        "budget": budget,
        "periods": report and bool(getattr(source, "periods", False)),
        "filters": filters,
        "include_inactive": bool(spec and spec.name_list),
        "status": bool(spec and spec.has_status),
        "where": not report and hasattr(source, "query_fields"),
        "custom_fields": not report,
    }


# Options every source takes: the Company columns and how the sheet writer and the schedule treat the tab.
COMMON_OPTIONS = (
    "company_columns",
    "oversize",
    "snapshot_column",
    "on_deleted",
    "reset_tab",
    "refresh_on_changes",
    "missing_company",
)


def option_names(source: Source) -> list[str]:
    """The `ExporterOptions` fields the source reads, then the ones every exporter has."""
    wanted = features(source)
    names = [
        *(["date_range"] if wanted["date_range"] else []),
        *(["accounting_method"] if wanted["report"] else []),
        *(["layout", "companies_layout"] if wanted["layouts"] else []),
        *(["budget"] if wanted["budget"] else []),
        *(["summarize_column_by"] if wanted["periods"] else []),
        *(f"{party}_ids" for party in wanted["filters"]),
        *(["include_inactive"] if wanted["include_inactive"] else []),
        *(["status"] if wanted["status"] else []),
        *(["where"] if wanted["where"] else []),
    ]
    return [*names, *COMMON_OPTIONS]
