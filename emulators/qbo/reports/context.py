"""What every report starts from: the company's ledger and the resolved parameters."""

from __future__ import annotations

from dataclasses import dataclass

from . import params as report_params
from .company_access import Company
from .layout import header
from .ledger import Ledger, ledger_of
from .params import ReportParams
from .postings import Posting


@dataclass
class ReportContext:
    """The ledger, resolved parameters and the postings of the requested basis."""

    company: Company
    ledger: Ledger
    params: ReportParams

    @classmethod
    def build(cls, company: Company, raw: dict[str, str]) -> ReportContext:
        resolved = report_params.parse(raw, company)
        return cls(company, ledger_of(company), resolved)

    @property
    def postings(self) -> list[Posting]:
        return self.ledger.postings(self.params.basis)

    def keep(self, posting: Posting) -> bool:
        """The request's customer/vendor/class/department filters."""
        return self.params.filters.match(posting)

    def header_echo(self) -> dict[str, str]:
        return self.params.filters.header()

    def report_header(self, name: str, no_data: bool, summarize: str | None = None) -> dict:
        """The report's Header for the requested period, basis and filters."""
        p = self.params
        return header(
            self.company,
            name,
            start=p.start,
            end=p.end,
            macro=p.date_macro,
            basis=p.basis,
            summarize=summarize or p.summarize,
            no_data=no_data,
            echo=self.header_echo(),
        )
