"""Columns of a source and how each one is read out of QBO JSON, typed as its column type promises."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from qbo.client import JsonObject

if TYPE_CHECKING:  # a getter reads the row's context; sources.base builds it from these columns
    from exporters.sources.base import RowContext

TYPES = ("text", "number", "money", "date", "datetime", "bool")
CUSTOM_PREFIX = "custom:"


@dataclass(frozen=True)
class Column:
    """A typed field of a source: what the analyst picks and the sheet writer formats."""

    key: str
    label: str
    type: str = "text"
    description: str = ""
    default: bool = True

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"column {self.key}: type {self.type!r} is not one of {', '.join(TYPES)}")


Row = dict[str, Any]  # one row of a source's table: column key -> value typed as the column promises
Getter = Callable[[JsonObject, "RowContext"], Any]  # a record (QBO object or line wrapper) -> raw value


@dataclass(frozen=True)
class Field:
    """A column plus how to read its raw value from one record (a QBO object or a line wrapper).

    `read` is `get` and the column type's converter in one call, made once per field: a plain path's field
    walks its path and converts in a single function (`path_reader`), not three calls per cell."""

    column: Column
    get: Getter = field(compare=False)
    path: str | None = None  # the QBO property read, when it is a plain path (the WHERE box may use it)
    typed_get: Getter | None = field(default=None, compare=False, repr=False)  # get, converted: `at`'s
    read: Getter = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        convert, get = CONVERTERS[self.column.type], self.get

        def read(record: JsonObject, ctx: RowContext) -> Any:
            return convert(get(record, ctx))

        object.__setattr__(self, "read", self.typed_get or read)

    def value(self, record: JsonObject, ctx: RowContext) -> Any:
        return self.read(record, ctx)


# -- reading values -------------------------------------------------------------------------------


def dig(obj: Any, path: str) -> Any:
    """The value at a dotted path ("CustomerRef.name"), None when any step is missing."""
    return dig_parts(obj, path.split("."))


def dig_parts(obj: Any, parts: Sequence[str]) -> Any:
    """The value at a path already split into its steps."""
    for part in parts:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def path_reader(parts: tuple[str, ...], type_: str) -> Getter:
    """`typed(dig_parts(record, parts), type_)` as one function: paths of one or two steps (nearly every
    column) walked inline, text that is already a `str` returned as it is (what `to_text` gives)."""
    convert = CONVERTERS[type_]
    text = type_ == "text"
    if len(parts) == 1:
        (key,) = parts

        def read_one(record: JsonObject, _ctx: RowContext) -> Any:
            value = record.get(key) if isinstance(record, dict) else None
            return value if text and type(value) is str else convert(value)

        return read_one
    if len(parts) == 2:
        outer, inner = parts

        def read_two(record: JsonObject, _ctx: RowContext) -> Any:
            obj = record.get(outer) if isinstance(record, dict) else None
            value = obj.get(inner) if isinstance(obj, dict) else None
            return value if text and type(value) is str else convert(value)

        return read_two

    def read_any(record: JsonObject, _ctx: RowContext) -> Any:
        return convert(dig_parts(record, parts))

    return read_any


def to_decimal(value: Any) -> Decimal | None:
    if type(value) is float:  # QBO JSON's amounts: no thousands separators to strip
        return Decimal(repr(value))
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


def to_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not value:
        return None
    return date.fromisoformat(str(value)[:10])


def to_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime) or value is None:
        return value
    if not value:
        return None
    return datetime.fromisoformat(str(value))


def to_bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def to_number(value: Any) -> int | float | Decimal | None:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return to_decimal(value)


def to_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "text": to_text,
    "number": to_number,
    "money": to_decimal,
    "date": to_date,
    "datetime": to_datetime,
    "bool": to_bool,
}


def typed(value: Any, type_: str) -> Any:
    """`value` as the Python type the column type promises (None stays None)."""
    return CONVERTERS[type_](value)


# -- field builders: the vocabulary of the source tables ----------------------------------------


def at(
    key: str, label: str, path: str, type_: str = "text", default: bool = True, description: str = ""
) -> Field:
    """A field read at a dotted path (described by that path unless told otherwise)."""
    described = description or f"QuickBooks field {path.removeprefix('Txn.')}"

    parts = tuple(path.split("."))  # split once, not once per row

    def get(record: JsonObject, _ctx: RowContext) -> Any:
        return dig_parts(record, parts)

    return Field(Column(key, label, type_, described, default), get, path, path_reader(parts, type_))


def computed(
    key: str, label: str, type_: str, get: Getter, default: bool = True, description: str = ""
) -> Field:
    """A field computed from the record and the run context."""
    return Field(Column(key, label, type_, description, default), get)


def ref(key: str, label: str, path: str, default: bool = True, id_default: bool = False) -> list[Field]:
    """A reference ({"value","name"}) as two columns: its name and its id."""
    return [
        at(key, label, f"{path}.name", default=default),
        at(f"{key}_id", f"{label} ID", f"{path}.value", default=id_default),
    ]


ADDRESS_PARTS = (
    ("line1", "line 1", "Line1"),
    ("line2", "line 2", "Line2"),
    ("city", "city", "City"),
    ("region", "state/region", "CountrySubDivisionCode"),
    ("postal_code", "postal code", "PostalCode"),
    ("country", "country", "Country"),
)


def address(key: str, label: str, path: str) -> list[Field]:
    """An address flattened into one column per part (not chosen by default)."""
    return [
        at(f"{key}_{part}", f"{label} {name}", f"{path}.{qbo}", default=False)
        for part, name, qbo in ADDRESS_PARTS
    ]


def exchange_rate(record: JsonObject, ctx: RowContext) -> Decimal:
    """The transaction's exchange rate to the home currency (1 when in the home currency)."""
    currency = dig(record, "CurrencyRef.value")
    home = ctx.home_currency
    if home and currency == home:
        return Decimal(1)
    return to_decimal(record.get("ExchangeRate")) or Decimal(1)


def home_amount(path: str) -> Getter:
    """An amount in the home currency: QBO's own Home<path> when it sends one (HomeTotalAmt), else amount x
    ExchangeRate rounded to cents."""

    def get(record: JsonObject, ctx: RowContext) -> Decimal | None:
        own = to_decimal(record.get(f"Home{path}"))
        if own is not None:
            return own
        amount = to_decimal(dig(record, path))
        if amount is None:
            return None
        return (amount * exchange_rate(record, ctx)).quantize(Decimal("0.01"))

    return get


HOME_CURRENCY = "home_currency"


def needs_home_currency(keys: Iterable[str]) -> bool:
    """Whether these columns need the company's home currency (read from its Preferences)."""
    return any(k == HOME_CURRENCY or k == "exchange_rate" or k.startswith("home_") for k in keys)


def rate_and_home_currency(rate: Getter) -> list[Field]:
    """The exchange-rate column (read by `rate`) and the company's home currency (from its Preferences)."""
    return [
        computed(
            "exchange_rate",
            "Exchange rate",
            "number",
            rate,
            default=False,
            description="Home currency per unit of the transaction's currency (1 in the home currency)",
        ),
        computed(
            HOME_CURRENCY,
            "Home currency",
            "text",
            lambda _r, ctx: ctx.home_currency,
            default=False,
            description="The company's home currency (QuickBooks Preferences)",
        ),
    ]


def currency(with_home: Sequence[tuple[str, str, str]] = ()) -> list[Field]:
    """Currency, exchange rate, the company's home currency and home-currency versions of the given
    (key, label, path) amounts."""
    fields = [at("currency", "Currency", "CurrencyRef.value"), *rate_and_home_currency(exchange_rate)]
    fields += [
        computed(
            f"home_{key}",
            f"{label} (home currency)",
            "money",
            home_amount(path),
            default=False,
            description=f"{label} converted to the company's home currency",
        )
        for key, label, path in with_home
    ]
    return fields


def custom_field_value(name: str) -> Getter:
    """The value of the custom field called `name` (CustomField[] of an enhancedAllCustomFields read)."""

    def get(record: JsonObject, _ctx: RowContext) -> Any:
        fields = record.get("CustomField") or (record.get("Txn") or {}).get("CustomField")  # lines: the txn's
        for custom in fields or ():
            if custom.get("Name") == name:
                for key in ("StringValue", "NumberValue", "DateValue", "BooleanValue"):
                    if key in custom:
                        return custom[key]
        return None

    return get


def custom_field(key: str) -> Field:
    """The field of a saved "custom:<Name>" key (custom fields are columns by name, typed as text)."""
    name = key[len(CUSTOM_PREFIX) :]
    return computed(
        key, name, "text", custom_field_value(name), default=False, description=f"Custom field '{name}'"
    )


def custom_field_names(records: Iterable[JsonObject]) -> list[str]:
    """The custom field names seen in some records, in first-seen order (for the editor's preview)."""
    names: dict[str, None] = {}
    for record in records:
        for custom in record.get("CustomField") or ():
            if custom.get("Name"):
                names.setdefault(custom["Name"], None)
    return list(names)


def find_column(columns: Iterable[Column], key: str) -> Column | None:
    return next((c for c in columns if c.key == key), None)
