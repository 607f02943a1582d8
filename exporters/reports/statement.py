"""The statement layout: QBO's rows, order and labels (indented), one amount column per period.

Several companies go side by side (one amount column per company x period, rows matched by section
and label) or one block each; long ranges fetched in pieces are merged the same way along time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from exporters.columns import Column, Row
from exporters.reports.order import chart_name, merged_order
from exporters.reports.tree import Line, columns_of, lines
from qbo.client import JsonObject

INDENT = "   "
LABEL = Column("account", "Account", description="QBO's row label, indented 3 spaces per level")
RowKey = tuple[str, tuple[str, ...], str, int]  # kind, sections, label, occurrence (detail rows repeat)


@dataclass
class Statement:
    """Columns (the label first) and rows keyed by column key; `keys` match rows across statements."""

    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    keys: list[RowKey] = field(default_factory=list)
    stock: bool = False  # balances at a date (Balance Sheet): a total over periods is the last one
    accounts: set[RowKey] = field(default_factory=set)  # the keys of rows that are QBO accounts (with an id)


def _label(line: Line) -> str:
    return INDENT * line.depth + line.label


def statement(
    report: JsonObject, key_prefix: str = "", label_prefix: str = "", keep_total: bool = True
) -> Statement:
    """One report as a statement; `keep_total=False` drops QBO's Total column next to period columns."""
    lead, money = columns_of(report)
    wanted = [(i, c) for i, c in enumerate(money) if keep_total or not (c.is_total and len(money) > 1)]
    texts = [Column(f"{key_prefix}text{i}", title) for i, title in enumerate(lead[1:])]
    columns = [LABEL, *texts] + [
        Column(f"{key_prefix}{c.key}", f"{label_prefix}{c.title}".strip(), "money") for _i, c in wanted
    ]
    result = Statement(columns)
    seen: dict[tuple[str, tuple[str, ...], str], int] = {}
    for line in lines(report):
        row: Row = {"account": _label(line)}
        row.update({c.key: t for c, t in zip(texts, line.texts, strict=False)})
        for (index, _c), column in zip(wanted, columns[1 + len(texts) :], strict=True):
            row[column.key] = line.values[index]
        result.rows.append(row)
        name = (line.kind, line.path, line.label)
        seen[name] = seen.get(name, 0) + 1
        result.keys.append((*name, seen[name]))
        if line.account_id:
            result.accounts.add(result.keys[-1])
    return result


def promoted(parts: Sequence[Statement]) -> list[Statement]:
    """The parts with a parent account shown as a plain row (its sub-accounts had no activity there) shown as
    its section instead: a header holding its own amounts and its "Total" row, as the other parts show it."""
    sections = {(k[1], k[2]) for part in parts for k in part.keys if k[0] == "header"}
    out = []
    for part in parts:
        accounts = set(part.accounts)
        keys: list[RowKey] = []
        rows: list[Row] = []
        for key, row in zip(part.keys, part.rows, strict=True):
            kind, path, label, occurrence = key
            if kind != "account" or (path, label) not in sections:
                keys.append(key)
                rows.append(row)
                continue
            indent = row["account"][: len(row["account"]) - len(row["account"].lstrip())]
            accounts.add(("header", path, label, occurrence))
            keys += [
                ("header", path, label, occurrence),
                ("subtotal" if path else "total", (*path, label), f"Total {label}", 1),
            ]
            rows += [row, {**row, "account": f"{indent}Total {label}"}]
        out.append(Statement(part.columns, rows, keys, part.stock, accounts))
    return out


def merge(statements: Sequence[Statement]) -> Statement:
    """Side by side: columns concatenated, rows matched by key; each section's rows in the order every part
    gives them, an account none of them places against another by name, as QBO does (`order.merged_order`)."""
    statements = promoted(statements)
    columns = [LABEL]
    for part in statements:
        columns += [c for c in part.columns[1:] if c not in columns]
    rows: dict[RowKey, Row] = {}
    sections: dict[tuple[str, ...], list[list[RowKey]]] = {}  # a section's own rows, in each part's order
    for part in statements:
        own: dict[tuple[str, ...], list[RowKey]] = {}
        for key, row in zip(part.keys, part.rows, strict=True):
            if key in rows:
                rows[key].update({k: v for k, v in row.items() if k != "account"})
            else:
                rows[key] = dict(row)
            own.setdefault(key[1], []).append(key)
        for path, keys in own.items():
            sections.setdefault(path, []).append(keys)
    accounts: set[RowKey] = set().union(*(p.accounts for p in statements))
    order: list[RowKey] = []

    def name(key: RowKey) -> str | None:
        return chart_name(key[2]) if key in accounts else None

    def place(path: tuple[str, ...]) -> None:
        """A section's rows, each header followed by its own section (its rows, then its Total)."""
        for key in merged_order(sections.pop(path, []), name):
            order.append(key)
            if key[0] == "header":
                place((*path, key[2]))

    place(())
    for path in list(sections):  # a section no header led to (none in QBO's reports): kept, at the end
        place(path)
    stock = any(p.stock for p in statements)
    return Statement(columns, [rows[k] for k in order], order, stock, accounts)


SUMMARY_KINDS = ("subtotal", "total", "computed")


def zero_filled(merged: Statement) -> Statement:
    """Pieces merged along time: a summary row missing from some periods is 0.00 there, as QBO shows it."""
    periods = [c.key for c in merged.columns[1:] if c.type == "money"]
    for key, row in zip(merged.keys, merged.rows, strict=True):
        if key[0] in SUMMARY_KINDS and any(row.get(p) is not None for p in periods):
            row.update({p: Decimal("0.00") for p in periods if row.get(p) is None})
    return merged


def add_total(merged: Statement, key: str = "total", label: str = "Total") -> Statement:
    """A Total column over the periods: their sum, or for balances the last period's value."""
    periods = [c.key for c in merged.columns[1:] if c.type == "money"]
    for row in merged.rows:
        values = [row.get(k) for k in periods]
        if merged.stock:
            row[key] = next((v for v in reversed(values) if v is not None), None)
        else:
            present = [v for v in values if v is not None]
            row[key] = sum(present, Decimal(0)) if present else None
    merged.columns.append(Column(key, label, "money"))
    return merged


def blocks(titled: Sequence[tuple[str, Statement]]) -> Statement:
    """One block per company: a title row, its statement, a blank row between blocks."""
    columns = [LABEL]
    for _title, part in titled:
        columns += [c for c in part.columns[1:] if c not in columns]
    result = Statement(columns)
    for index, (title, part) in enumerate(titled):
        if index:
            result.rows.append({"account": ""})
            result.keys.append(("blank", (), str(index), 1))
        result.rows.append({"account": title})
        result.keys.append(("company", (), title, 1))
        result.rows += part.rows
        result.keys += [("line", (title, *k[1]), k[2], k[3]) for k in part.keys]
    return result
