"""The read-only client against the QBO emulator: paging, reads, reports, CDC, faults, retries."""

from __future__ import annotations

import math
import threading
from datetime import datetime, timedelta

import pytest
from requests.adapters import HTTPAdapter

from qbo.client import QboClient, page_rows
from qbo.errors import QboFault, QboRateLimited, QboUnavailable
from store.settings import Settings
from tests.qbo.fixtures import own_qbo_emulator  # noqa: F401 - this module moves Intuit's clock
from tests.qbo.intuit import Admin

INVOICES = 2345


@pytest.fixture(scope="module")
def realm(qbo_emulator) -> str:
    """One company for the module: its tests only read it (faults and the clock are not its data)."""
    return Admin(qbo_emulator.url).company("Acme Landscaping", invoices=INVOICES)


@pytest.fixture
def client(make_client, realm) -> QboClient:
    return make_client(realm)


def test_query_pages_through_every_invoice_in_one_call_per_thousand(client):
    total = client.count("Invoice")
    client.calls = 0

    rows = list(client.query("Invoice"))

    assert total == INVOICES
    assert len(rows) == INVOICES and len({row["Id"] for row in rows}) == INVOICES
    assert client.calls == math.ceil(INVOICES / 1000)
    assert client.last_intuit_tid


def test_a_multiple_of_the_page_size_costs_one_extra_empty_page(client):
    rows = list(client.query("Invoice", page_size=INVOICES // 5))
    assert len(rows) == INVOICES
    assert client.calls == 5 + 1


def test_read_company_info_preferences_report_and_cdc(client):
    first = next(client.query("Invoice", order_by="Id", page_size=1))

    assert client.read("Invoice", first["Id"])["Id"] == first["Id"]
    assert client.company_info()["CompanyName"] == "Acme Landscaping"
    assert client.preferences()["ReportPrefs"]["ReportBasis"] in ("Accrual", "Cash")
    report = client.report("ProfitAndLoss", {"date_macro": "This Fiscal Year-to-date"})
    assert report["Header"]["ReportName"] == "ProfitAndLoss"
    changed = client.cdc(["Invoice", "Customer"], emulator_now(client) - timedelta(days=29))
    assert set(changed) >= {"Invoice", "Customer"}
    assert all(isinstance(rows, list) for rows in changed.values())


def emulator_now(client: QboClient) -> datetime:
    """The emulator's time (other tests move its clock), from the `time` of a response."""
    return datetime.fromisoformat(client.request("GET", f"companyinfo/{client.realm_id}")["time"])


@pytest.mark.parametrize(
    ("statement", "code"),
    [("SELECT * FROM Invoice WHERE", "4000"), ("SELECT * FROM Invoice MAXRESULTS 1500", "4001")],
)
def test_a_bad_query_is_a_fault_with_intuits_message(client, statement, code):
    with pytest.raises(QboFault) as caught:
        client.request("POST", "query", body=statement)
    assert caught.value.code == code and caught.value.http_status == 400
    assert caught.value.fault_message in str(caught.value)


def test_on_send_is_told_as_each_try_of_a_query_goes_out(client, admin):
    admin.fault(503, count=1, kind="query", realm=client.realm_id)
    sent: list[int] = []

    answer = client.query_bytes(
        "SELECT * FROM Invoice ORDERBY Id MAXRESULTS 1000", on_send=lambda: sent.append(client.calls)
    )

    assert len(page_rows(answer, "Invoice")) == 1000
    assert sent == [1, 2]  # told once per request sent, the retried one included
    assert client.calls == 2


@pytest.mark.parametrize("status", [429, 503, 500])
def test_throttling_and_outages_are_retried_then_succeed(client, admin, status):
    admin.fault(status, count=2, realm=client.realm_id)

    info = client.company_info()

    assert info["CompanyName"] == "Acme Landscaping"
    assert client.retries == 2 and client.calls == 3


def test_throttling_that_does_not_stop_gives_up_after_bounded_tries(client, admin):
    admin.fault(429, count=10, realm=client.realm_id)
    with pytest.raises(QboRateLimited) as caught:
        client.company_info()
    assert client.calls == client.tries == 4
    assert "429" in str(caught.value)


def test_an_outage_that_does_not_stop_is_unavailable(client, admin):
    admin.fault(503, count=10, realm=client.realm_id)
    with pytest.raises(QboUnavailable):
        client.company_info()
    assert client.calls == client.tries


def test_a_request_that_keeps_timing_out_is_retried_then_unavailable(client, admin):
    client.company_info()
    admin.slow(latency_ms=2000, realm=client.realm_id)
    client.timeout, client.calls = 0.2, 0

    with pytest.raises(QboUnavailable) as caught:
        client.company_info()

    assert client.calls == client.tries
    assert "could not be reached" in str(caught.value)


def test_an_access_token_expired_at_intuit_is_refreshed_once_after_a_401(client, admin, clock):
    client.company_info()
    admin.advance(2 * 3600)  # Intuit's clock moves; ours still believes the token is fresh

    assert client.company_info()["CompanyName"] == "Acme Landscaping"
    assert client.tokens.refreshes == 1
    assert client.calls == 3


def test_a_200_carrying_a_fault_is_a_fault(client, admin):
    admin.fault(200, count=1, realm=client.realm_id)
    with pytest.raises(QboFault) as caught:
        client.company_info()
    assert caught.value.http_status == 200 and caught.value.code == "10000"


class InFlight(HTTPAdapter):
    """Passes requests on to the client's own adapter, keeping the most it saw in flight at once."""

    def __init__(self, inner: HTTPAdapter) -> None:
        super().__init__()
        self.inner, self.now, self.most = inner, 0, 0
        self.lock = threading.Lock()

    def send(self, request, **kw):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            return self.inner.send(request, **kw)
        finally:
            with self.lock:
                self.now -= 1


def test_requests_from_two_threads_take_turns(client, admin):
    """A page read ahead by its own thread and a COUNT asked meanwhile (exporters.sources.entities) go
    one at a time, as Intuit sees a company's requests from one run."""
    watched = InFlight(client.session.get_adapter(client.base))
    client.session.mount("http://", watched)
    admin.slow(150, kind="query")
    counts: list[int] = []
    threads = [threading.Thread(target=lambda: counts.append(client.count("Invoice"))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert counts == [INVOICES] * 3 and client.calls == 3
    assert watched.most == 1


class Reads(HTTPAdapter):
    """Passes requests on to the client's own adapter, counting the reads of each answer's body."""

    def __init__(self, inner: HTTPAdapter) -> None:
        super().__init__()
        self.inner, self.reads = inner, 0

    def send(self, request, **kw):
        response = self.inner.send(request, **kw)
        read = response.raw.read

        def counted(*args, **kwargs):
            self.reads += 1
            return read(*args, **kwargs)

        response.raw.read = counted
        return response


def test_a_page_is_read_in_a_few_big_reads(client):
    """A page of 1,000 invoices (~1.8 MB) in reads of 1 MB, not requests' 10 KB (~180 reads, each a turn of
    the GIL taken back from the run's converting threads)."""
    counted = Reads(client.session.get_adapter(client.base))
    client.session.mount("http://", counted)

    answer = client.query_bytes("SELECT * FROM Invoice ORDERBY Id MAXRESULTS 1000")

    assert len(page_rows(answer, "Invoice")) == 1000 and len(answer) > 1_000_000
    assert counted.reads <= len(answer) // 1_000_000 + 2  # the last read finds the end


def test_the_environments_proxy_and_ca_bundle_are_looked_up_once_and_used(monkeypatch):
    """requests would look them up at every request (bench/README.md); looked up once, they still apply,
    no_proxy included."""
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/company-ca.pem")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    intuit = Settings(qbo_api_base="https://quickbooks.api.intuit.com")

    client = QboClient("123", tokens=None, settings=intuit)  # type: ignore[arg-type]

    assert client.session.proxies.get("https") == "http://proxy.example:3128"
    assert client.session.verify == "/etc/ssl/company-ca.pem"
    assert client.session.trust_env is False  # not looked up again per request

    monkeypatch.setenv("NO_PROXY", ".intuit.com")
    assert "https" not in QboClient("123", tokens=None, settings=intuit).session.proxies  # type: ignore[arg-type]
