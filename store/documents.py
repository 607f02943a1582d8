"""Typed JSON documents kept in columns: an exporter's options, its sheet state, a run's stats.

Each is a frozen pydantic model with a `version`. Rows are validated when written (the `TypedJSON`
column type refuses an invalid document before it reaches the database) and when read; a row stored by
an older version is upgraded on read (`Document.read`), and migration 0002 rewrites stored rows to the
current version. Version 0 is the untyped dict the product stored before these models, any key missing.

Change a document: bump `VERSION` and append a step to `UPGRADES` turning the previous version's dict
into the new one, then add a migration that rewrites the stored rows (see 0002).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, Self, TypeVar, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from sqlalchemy import JSON, Dialect
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)

STORED = "stored"  # validation context flag: the data comes from the database and may be an older version

Upgrade = Callable[[dict[str, Any]], dict[str, Any]]


class Document(BaseModel):
    """A versioned JSON document; `read()` accepts every stored version, the constructor only the current."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    UPGRADES: ClassVar[tuple[Upgrade, ...]] = ()  # UPGRADES[n] turns a version-n dict into version n+1

    version: int = 1

    @classmethod
    def current_version(cls) -> int:
        return len(cls.UPGRADES)

    @classmethod
    def read(cls, data: Mapping[str, Any] | None) -> Self:
        """A stored document (of any known version) as the current model."""
        return cls.model_validate(dict(data or {}), context={STORED: True})

    @model_validator(mode="before")
    @classmethod
    def _upgrade_stored(cls, data: Any, info: ValidationInfo) -> Any:
        if not (info.context or {}).get(STORED) or not isinstance(data, Mapping):
            return data
        current = cls.current_version()
        fields = dict(data)
        version = fields.pop("version", 0)
        if not isinstance(version, int) or not 0 <= version <= current:
            raise ValueError(f"{cls.__name__} version {version!r} is unknown here (current: {current})")
        for step in cls.UPGRADES[version:]:
            fields = step(fields)
        return {**fields, "version": current}

    @field_validator("version")
    @classmethod
    def _is_current(cls, version: int) -> int:
        if version != cls.current_version():
            raise ValueError(
                f"{cls.__name__} version {version} is not the current {cls.current_version()}: "
                "stored documents are read with .read(), which upgrades them"
            )
        return version


def known_fields(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """`data` without keys the model does not have (version 0 stored whatever a caller put in)."""
    dropped = sorted(k for k in data if k not in model.model_fields)
    if dropped:
        log.warning("%s: dropping unknown stored keys %s", model.__name__, dropped)
    return {k: v for k, v in data.items() if k in model.model_fields}


def without_empty(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0 read `options.get(name) or default`: an empty value meant the default."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


# -- exporter options ------------------------------------------------------------------------------

RelativeName = Literal[
    "today",
    "yesterday",
    "this_week",
    "last_week",
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
    "this_year",
    "last_year",
    "year_to_date",
    "last_n_days",
]
RELATIVE: tuple[str, ...] = get_args(RelativeName)

Status = Literal["open", "overdue", "paid"]
STATUSES: tuple[str, ...] = get_args(Status)
Layout = Literal["statement", "tidy"]
CompaniesLayout = Literal["side_by_side", "blocks"]
AccountingMethod = Literal["Accrual", "Cash"]
Period = Literal["Total", "Month", "Quarter", "Year", "Week", "Days"]
Dimension = Literal["Customers", "Vendors", "Classes", "Departments", "Employees", "ProductsAndServices"]
SummarizeBy = Literal[Period, Dimension]
PERIODS: tuple[str, ...] = get_args(Period)
DIMENSIONS: tuple[str, ...] = get_args(Dimension)
Oversize = Literal["fail", "truncate"]
OnDeleted = Literal["remove", "mark"]
# A multi-company exporter one of whose companies is disconnected: pause it, or go on with the others and
# keep the missing company's rows as they were, or keep them marked (grey italics and a "Not refreshed"
# note on each cell; rows deleted in QuickBooks are struck through instead).
MissingCompany = Literal["pause", "keep", "mark"]
Party = Literal["customer", "vendor", "class", "department"]
PARTIES: tuple[Party, ...] = get_args(Party)

QboId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]+$")]
# A budget's name (or QBO id), as QBO shows it: one line of at most 100 characters (QBO's name length)
BudgetName = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=100, pattern=r"^[^\x00-\x1f]*$")
]


class FixedRange(BaseModel):
    """From `start` to `end`, both included."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.start > self.end:
            raise ValueError(f"The date range starts ({self.start}) after it ends ({self.end})")
        return self


class RelativeRange(BaseModel):
    """A range named relative to the run's date in the exporter's time zone; `n` for last_n_days."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    relative: RelativeName
    n: int | None = None

    @field_validator("relative", mode="before")
    @classmethod
    def _known(cls, name: Any) -> Any:
        if name not in RELATIVE:
            raise ValueError(f"Unknown relative date range '{name}'; use one of: {', '.join(RELATIVE)}")
        return name

    @model_validator(mode="after")
    def _days(self) -> Self:
        if self.relative == "last_n_days" and (self.n is None or self.n < 1):
            raise ValueError("last_n_days needs a number of days of at least 1")
        if self.relative != "last_n_days" and self.n is not None:
            raise ValueError(f"'{self.relative}' takes no number of days")
        return self


DateRange = FixedRange | RelativeRange


class ExporterOptions(Document):
    """Everything an exporter asks of its source and of the sheet writer besides columns and destination.

    exporters/README.md ("Options") says what each does and which sources take it.
    """

    UPGRADES: ClassVar[tuple[Upgrade, ...]] = (
        lambda data: _options_from_v0(data),
        # version 2: the Company and Realm ID columns are part of the definition (migration 0004 sets them
        # for exporters with several companies, or whose tab has them)
        lambda data: {**data, "company_columns": False},
        # version 3: the pausing companies moved to the exporter's `pauses` (migration 0005 moved them);
        # `refresh_on_changes` and `missing_company` take their defaults
        lambda data: {k: v for k, v in data.items() if k != "paused_by_companies"},
    )

    version: int = 3

    # what to pull
    date_range: DateRange | None = None  # None: entity sources unfiltered, reports year to date
    status: Status | None = None
    customer_ids: list[QboId] = Field(default_factory=list)
    vendor_ids: list[QboId] = Field(default_factory=list)
    class_ids: list[QboId] = Field(default_factory=list)
    department_ids: list[QboId] = Field(default_factory=list)
    where: str = ""  # the WHERE box, normalised by exporters.filters.validate_where when saved
    include_inactive: bool = False
    count: bool = True  # ask QBO for a COUNT to show "x of y" progress on long pulls
    # reports
    accounting_method: AccountingMethod = "Accrual"
    summarize_column_by: SummarizeBy = "Total"
    layout: Layout = "statement"
    companies_layout: CompaniesLayout = "side_by_side"
    budget: BudgetName = ""  # Budget vs actuals: the budget of each company with this name (or id)
    # the tab: Company and Realm ID lead its columns (always with several companies; kept when one goes,
    # so the tab's columns never move because a company was removed or disconnected)
    company_columns: bool = False
    # the sheet writer
    reset_tab: bool = False  # one run: rewrite the tab's header, then cleared
    oversize: Oversize = "fail"
    on_deleted: OnDeleted = "remove"  # upsert: remove deleted objects' rows, or strike them through
    snapshot_column: bool = True  # append: a "Snapshot at" column
    # when it runs besides its schedule
    refresh_on_changes: bool = False  # a QuickBooks change (Intuit webhook) queues a run
    missing_company: MissingCompany = "pause"  # several companies, one disconnected: see MissingCompany

    def ids(self, party: Party) -> list[str]:
        """The ids of one id filter (customer, vendor, class, department)."""
        return list(getattr(self, f"{party}_ids"))

    @property
    def relative_dates(self) -> bool:
        """Whether the range moves with the run's date."""
        return isinstance(self.date_range, RelativeRange)


_CHOICES: dict[str, tuple[str, ...]] = {
    "accounting_method": get_args(AccountingMethod),
    "summarize_column_by": get_args(SummarizeBy),
    "layout": get_args(Layout),
    "companies_layout": get_args(CompaniesLayout),
}


def _range_from_v0(spec: Any) -> Any:
    """Version 0 also took the short form "last_month" and called last_n_days' number `days`."""
    if isinstance(spec, str):
        return {"relative": spec}
    if isinstance(spec, Mapping) and "relative" in spec:
        n = spec.get("n", spec.get("days"))
        return {"relative": spec["relative"]} | ({"n": int(n)} if spec["relative"] == "last_n_days" else {})
    if isinstance(spec, Mapping):
        return {"start": spec.get("start"), "end": spec.get("end")}
    return spec


def _ids_from_v0(value: Any) -> list[str]:
    """Version 0 took one id or a list, as strings or numbers."""
    return [str(v) for v in (value if isinstance(value, list | tuple) else [value])]


def _options_from_v0(data: dict[str, Any]) -> dict[str, Any]:
    data = without_empty(data)
    for party in PARTIES:
        if party in data:
            data[f"{party}_ids"] = _ids_from_v0(data.pop(party))
    if "date_range" in data:
        data["date_range"] = _range_from_v0(data["date_range"])
    for name, allowed in _CHOICES.items():  # version 0 matched these case-insensitively
        if name in data:
            data[name] = next((a for a in allowed if a.lower() == str(data[name]).lower()), data[name])
    data.pop("paused_by_companies", None)  # moved to the exporter's pauses (migration 0005)
    return known_fields(ExporterOptions, data)


# -- the exporter's pauses ----------------------------------------------------------------------------


class CompanyHold(BaseModel):
    """A company whose lost connection holds the exporter: its id and its name when it was lost."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    company_id: int
    name: str
    why: Literal["disconnected", "needs_reconnect"] = "disconnected"


class GoogleHold(BaseModel):
    """The Google account the exporter cannot write through until it is reconnected."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    email: str
    why: Literal["refused", "disconnected"] = "refused"


class ExporterPauses(Document):
    """Every reason an exporter is not running on its own, each kept until its own cause goes away.

    Written only by `store.states` (the exporter's state is derived from these); read by the pages.
    """

    UPGRADES: ClassVar[tuple[Upgrade, ...]] = (lambda data: known_fields(ExporterPauses, data),)

    disabled_by: str | None = None  # the user who disabled it (their email)
    companies: list[CompanyHold] = Field(default_factory=list)
    google: GoogleHold | None = None
    failures: int = 0  # consecutive failed runs that paused it (0: not paused for failures)
    failure_error: str = ""  # the last of them


# -- sheet state and run stats ---------------------------------------------------------------------


class SheetState(Document):
    """The column contract the sheet writer wrote: the header (labels and keys), the tab's sheetId, rows."""

    UPGRADES: ClassVar[tuple[Upgrade, ...]] = (lambda data: known_fields(SheetState, data),)

    labels: list[str] = Field(default_factory=list)
    keys: list[str] = Field(default_factory=list)
    sheet_id: int | None = None  # None: nothing written yet
    rows: int = 0

    @property
    def written(self) -> bool:
        return self.sheet_id is not None or bool(self.labels)

    def header_state(self) -> dict[str, Any]:
        """The state as sheets.SheetWriter takes it: empty before the first write."""
        return self.model_dump(exclude={"version"}) if self.written else {}


FullPullReason = Literal["not_incremental", "no_watermark", "watermark_too_old", "new_day", "cdc_capped"]


class RunStats(Document):
    """What one run did besides rows and calls: the incremental-or-full decision and why, the counts."""

    UPGRADES: ClassVar[tuple[Upgrade, ...]] = (lambda data: known_fields(RunStats, data),)

    # upsert runs only (None: the run did not decide, e.g. a replace or an append)
    incremental: bool | None = None
    full_pull: FullPullReason | None = None  # why everything was read instead of the changes
    full_pull_reason: str = ""  # the same in words, naming the company
    fell_back_to_replace: bool = False  # the pulled changes were written by replacing the whole tab
    fallback_reason: str = ""  # why the tab could not take them in place (the sheet writer's words)
    added: int = 0
    changed: int = 0
    deleted: int = 0
    left_filter: int = 0
    rechecked: int = 0
    # a multi-company exporter that went on without a disconnected company (options.missing_company keep or
    # mark): per company, its name, why, and what became of its rows (a new field: older rows read as [])
    continued_without: list[str] = Field(default_factory=list)
    # the write
    truncated_cells: int = 0
    runs_left: int | None = None  # append: how many more runs of this size fit in the spreadsheet


# -- the column type -------------------------------------------------------------------------------


D = TypeVar("D", bound=Document)


class TypedJSON(TypeDecorator[D]):
    """A JSON column holding one Document class: validated when written, upgraded and validated when read."""

    impl = JSON
    cache_ok = True

    def __init__(self, model: type[D]) -> None:
        super().__init__()
        self.model = model

    def coerce(self, value: object) -> D:
        """The document for a value assigned to the column: the model itself, or a mapping validated."""
        if isinstance(value, self.model):
            return value
        if isinstance(value, Mapping):
            return self.model.model_validate(value)
        raise TypeError(f"{self.model.__name__} expected, got {type(value).__name__}")

    def process_bind_param(self, value: D | None, dialect: Dialect) -> Any:
        return None if value is None else self.coerce(value).model_dump(mode="json")

    def process_result_value(self, value: Any, dialect: Dialect) -> D | None:
        return None if value is None else self.model.read(value)
