"""CompanyInfo and Preferences of a generated company."""

from __future__ import annotations

from datetime import date

from emulators.qbo.company import Company

COUNTRIES = {
    "USD": ("USA", "US", "CA"),
    "CAD": ("CAN", "CA", "ON"),
    "EUR": ("DEU", "DE", "BE"),
    "GBP": ("GBR", "GB", "LND"),
}


def company_info(company: Company, start: date, meta: dict) -> dict:
    """The CompanyInfo entity (Id "1"); addresses use ISO-3 countries and no Lat/Long (2025 change)."""
    iso3, iso2, region = COUNTRIES.get(company.home_currency, COUNTRIES["USD"])
    address = {
        "Id": "1",
        "Line1": "2500 Garcia Ave",
        "City": "Mountain View",
        "CountrySubDivisionCode": region,
        "PostalCode": "94043",
        "Country": iso3,
    }
    name_values = {
        "NeoEnabled": "true",
        "IndustryType": "Landscaping Services",
        "SubscriptionStatus": "PAID",
        "OfferingSku": "QuickBooks Online Plus",
        "PayrollFeature": "false",
        "AccountantFeature": "false",
        "IsQbdtMigrated": "false",
    }
    return {
        "CompanyName": company.name,
        "LegalName": company.name,
        "CompanyAddr": address,
        "CustomerCommunicationAddr": address,
        "LegalAddr": address,
        "PrimaryPhone": {"FreeFormNumber": "(650)944-4444"},
        "CompanyStartDate": start.isoformat(),
        "FiscalYearStartMonth": "January",
        "Country": iso2,
        "Email": {"Address": "noreply@example.com"},
        "WebAddr": {},
        "SupportedLanguages": "en",
        "EmployerId": "123456789",
        "NameValue": [{"Name": key, "Value": value} for key, value in name_values.items()],
        "domain": "QBO",
        "sparse": False,
        "Id": "1",
        "SyncToken": "0",
        "MetaData": meta,
    }


def preferences(company: Company, basis: str, meta: dict) -> dict:
    """The Preferences entity: accounting, report basis, currency and tax preferences."""
    currency = {
        "MultiCurrencyEnabled": company.multicurrency,
        "HomeCurrency": {"value": company.home_currency},
    }
    return {
        "AccountingInfoPrefs": {
            "FirstMonthOfFiscalYear": "January",
            "UseAccountNumbers": False,
            "TaxYearMonth": "January",
            "ClassTrackingPerTxn": False,
            "TrackDepartments": True,
            "DepartmentTerminology": "Location",
            "CustomerTerminology": "Customers",
        },
        "ReportPrefs": {"ReportBasis": basis, "CalcAgingReportFromTxnDate": False},
        "CurrencyPrefs": currency,
        "SalesFormsPrefs": {
            "AllowDiscount": True,
            "AllowDeposit": True,
            "CustomTxnNumbers": True,
            "DefaultTerms": {"value": "3"},
        },
        "VendorAndPurchasesPrefs": {"BillableExpenseTracking": True, "TrackingByCustomer": True},
        "TaxPrefs": {"UsingSalesTax": True, "PartnerTaxEnabled": True},
        "domain": "QBO",
        "sparse": False,
        "Id": "1",
        "SyncToken": "0",
        "MetaData": meta,
    }
