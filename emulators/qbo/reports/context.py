"""What every report starts from: the company's ledger and the resolved parameters."""

from __future__ import annotations

from dataclasses import dataclass

from . import params as report_params
from .company_access import Company
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
