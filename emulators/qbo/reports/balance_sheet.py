"""BalanceSheet: balances as of each column end; P&L accounts roll into Retained Earnings and Net Income."""

from __future__ import annotations

from dataclasses import dataclass, field

from .account_rows import AccountRows
from .aggregate import cumulative, day_before, in_display_sign, nonzero, sums
from .company_access import Company
from .context import ReportContext
from .layout import Vector, account_columns, add, amounts, cell, data_row, labelled_section, zeros
from .periods import fiscal_year_start


@dataclass(frozen=True)
class Node:
    """A BalanceSheet section: account types (a leaf) or child sections; `always` shows it when empty."""

    group: str
    label: str
    types: frozenset[str] = frozenset()
    children: tuple[Node, ...] = ()
    total_label: str | None = None
    always: bool = False
    net_income: bool = False


def leaf(group: str, label: str, *types: str) -> Node:
    return Node(group, label, frozenset(types))


LAYOUT = (
    Node(
        "TotalAssets",
        "ASSETS",
        always=True,
        total_label="TOTAL ASSETS",
        children=(
            Node(
                "CurrentAssets",
                "Current Assets",
                children=(
                    leaf("BankAccounts", "Bank Accounts", "bank"),
                    leaf("AR", "Accounts Receivable", "accountsreceivable"),
                    leaf("OtherCurrentAssets", "Other current assets", "othercurrentasset"),
                ),
            ),
            leaf("FixedAssets", "Fixed Assets", "fixedasset"),
            leaf("OtherAssets", "Other Assets", "otherasset"),
        ),
    ),
    Node(
        "TotalLiabilitiesAndEquity",
        "LIABILITIES AND EQUITY",
        always=True,
        total_label="TOTAL LIABILITIES AND EQUITY",
        children=(
            Node(
                "Liabilities",
                "Liabilities",
                always=True,
                children=(
                    Node(
                        "CurrentLiabilities",
                        "Current Liabilities",
                        children=(
                            leaf("AP", "Accounts Payable", "accountspayable"),
                            leaf("CreditCards", "Credit Cards", "creditcard"),
                            leaf(
                                "OtherCurrentLiabilities",
                                "Other Current Liabilities",
                                "othercurrentliability",
                            ),
                        ),
                    ),
                    leaf("LongTermLiabilities", "Long-Term Liabilities", "longtermliability"),
                ),
            ),
            Node("Equity", "Equity", frozenset({"equity"}), always=True, net_income=True),
        ),
    ),
)


@dataclass
class Renderer:
    """Renders the LAYOUT over display-sign balances plus the Net Income vector."""

    accounts: AccountRows
    net_income: Vector
    width: int
    totals: dict[str, Vector] = field(default_factory=dict)

    def render(self, node: Node) -> dict | None:
        rows, total = self.accounts.rows(self.accounts.chart.roots(set(node.types)))
        for child in node.children:
            row = self.render(child)
            if row is not None:
                rows.append(row)
                total = add(total, self.totals[child.group])
        if node.net_income:
            rows.append(data_row([cell("Net Income"), *amounts(self.net_income)], "NetIncome"))
            total = add(total, self.net_income)
        self.totals[node.group] = total
        if not rows and not node.always:
            return None
        return labelled_section(node.label, rows, total, node.group, node.total_label)


def build(company: Company, raw: dict[str, str]) -> dict:
    return report(ReportContext.build(company, raw))


def report(ctx: ReportContext) -> dict:
    """The BalanceSheet for an already resolved context."""
    p = ctx.params
    chart = ctx.ledger.chart
    dates = [c.end for c in p.columns] or [p.end]
    width = len(dates)
    is_pl = {a: chart.get(a).is_profit_and_loss for a in chart.accounts}

    def pl(x) -> bool:
        return ctx.keep(x) and chart.get(x.account_id).is_profit_and_loss

    balances = cumulative(
        ctx.postings, dates, lambda x: ctx.keep(x) and not chart.get(x.account_id).is_profit_and_loss
    )
    years = [fiscal_year_start(d, p.first_month) for d in dates]
    this_year = sums(ctx.postings, list(zip(years, dates, strict=True)), pl)
    earlier = sums(ctx.postings, [(None, day_before(y)) for y in years], pl)
    net_income = [-v for v in _total(this_year, width)]
    prior = [-v for v in _total(earlier, width)]
    no_data = not (nonzero(balances) or nonzero(this_year) or nonzero(earlier))

    display = in_display_sign(chart, {a: v for a, v in balances.items() if not is_pl.get(a)})
    retained = chart.special["retained_earnings"]
    display[retained] = add(display.get(retained, zeros(width)), prior)
    renderer = Renderer(AccountRows(chart, display, width), net_income, width)
    rows = [row for node in LAYOUT if (row := renderer.render(node)) is not None]
    return {
        "Header": ctx.report_header("BalanceSheet", no_data),
        "Columns": account_columns(p.columns, total=False),
        "Rows": {"Row": rows},
    }


def _total(vectors: dict[str, Vector], width: int) -> Vector:
    total = zeros(width)
    for vector in vectors.values():
        total = add(total, vector)
    return total
