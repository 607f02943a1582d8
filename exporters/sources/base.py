"""What every source shares: the run and company context, and the company columns."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from exporters.columns import Field, Row, computed, dig, needs_home_currency
from exporters.reports.statement import Statement
from qbo.client import JsonObject, QboClient
from store.documents import ExporterOptions

ProgressFn = Callable[[int, "int | None"], None]


class CompanyFailed(Exception):
    """A QBO error while reading one company: carries the company's name for the message."""

    def __init__(self, company: str, error: Exception) -> None:
        super().__init__(str(error))
        self.company = company
        self.error = error


@dataclass
class RunContext:
    """When and where a run happens: dates are resolved in the exporter's time zone."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    time_zone: str = "UTC"
    on_fetched: ProgressFn | None = None
    last_rows: int | None = None  # the last run's rows (one company): progress has an estimate, no COUNT

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone or "UTC")

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    def fetched(self, done: int, total: int | None) -> None:
        if self.on_fetched is not None:
            self.on_fetched(done, total)


@dataclass
class CompanyContext:
    """One company of a run as the sources see it."""

    name: str
    realm_id: str
    company_id: int | None = None
    home_currency: str | None = None
    # Item objects by id, read when a line's account comes from its item
    items: dict[str, JsonObject] | None = None


def learn_home_currency(company: CompanyContext, client: QboClient, keys: Sequence[str] | None) -> None:
    """Read the company's home currency from its Preferences (one call) when these columns need it."""
    if company.home_currency is None and keys is not None and needs_home_currency(keys):
        company.home_currency = dig(client.preferences(), "CurrencyPrefs.HomeCurrency.value")


@dataclass
class RowContext:
    """What a field getter may look at besides the record: the company and the run."""

    company: CompanyContext
    run: RunContext

    @property
    def home_currency(self) -> str | None:
        return self.company.home_currency

    @property
    def today(self) -> date:
        return self.run.today


COMPANY_FIELDS: tuple[Field, ...] = (
    computed(
        "company",
        "Company",
        "text",
        lambda _r, c: c.company.name,
        default=False,
        description="The QuickBooks company the row comes from",
    ),
    computed(
        "realm_id",
        "Realm ID",
        "text",
        lambda _r, c: c.company.realm_id,
        default=False,
        description="The company's QuickBooks realm id",
    ),
)
COMPANY_KEYS = tuple(f.column.key for f in COMPANY_FIELDS)


# -- what a run asks of a source besides its rows (exporters.catalog.Source says how to get these) ----------


class StatementSource(Protocol):
    """A source that, with the exporter's options, writes one statement table (a report's statement layout):
    the run asks it for the whole table at once instead of streaming rows."""

    def statement(
        self, companies: Sequence[tuple[CompanyContext, QboClient]], options: ExporterOptions, run: RunContext
    ) -> Statement: ...


class IncrementalSource(Protocol):
    """A source whose rows an upsert can keep up to date from what changed since a watermark: one QBO entity,
    one row per object, keyed by its `key_columns`."""

    @property
    def label(self) -> str: ...

    @property
    def entity(self) -> str: ...

    @property
    def key_columns(self) -> tuple[str, ...]: ...

    def where(self, options: ExporterOptions, run: RunContext) -> str: ...

    def date_dependent(self, options: ExporterOptions, keys: Sequence[str]) -> bool: ...

    def prepare(self, company: CompanyContext, client: QboClient, keys: Sequence[str] | None) -> None: ...

    def records(
        self,
        client: QboClient,
        options: ExporterOptions,
        run: RunContext,
        where: str | None = None,
        keys: Sequence[str] | None = None,
    ) -> Iterator[JsonObject]: ...

    def rows_from(
        self,
        records: Iterable[JsonObject],
        company: CompanyContext,
        run: RunContext,
        keys: Sequence[str] | None,
    ) -> Iterator[Row]: ...
