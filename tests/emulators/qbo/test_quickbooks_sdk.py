"""Unmodified third-party QBO clients against the emulator: Intuit's own OAuth client (intuit-oauth)
and the python-quickbooks SDK, pointed at it by the discovery URL and the API base URL only."""

from __future__ import annotations

import json
import warnings
from datetime import datetime, timedelta

import pytest
from intuitlib.client import AuthClient
from intuitlib.enums import Scopes
from intuitlib.exceptions import AuthClientError
from quickbooks import QuickBooks
from quickbooks.batch import batch_create
from quickbooks.cdc import change_data_capture
from quickbooks.exceptions import (
    AuthorizationException,
    ObjectNotFoundException,
    QuickbooksException,
    SevereException,
    ValidationException,
)
from quickbooks.objects.budget import Budget
from quickbooks.objects.company_info import CompanyInfo
from quickbooks.objects.customer import Customer
from quickbooks.objects.invoice import Invoice
from quickbooks.objects.item import Item
from quickbooks.objects.preferences import Preferences
from quickbooks.objects.purchaseorder import PurchaseOrder
from quickbooks.objects.refundreceipt import RefundReceipt
from quickbooks.objects.taxagency import TaxAgency
from quickbooks.objects.taxrate import TaxRate
from quickbooks.objects.timeactivity import TimeActivity
from quickbooks.objects.transfer import Transfer
from quickbooks.objects.vendorcredit import VendorCredit

from tests.emulators.qbo.emulator_harness import CLIENT_ID, CLIENT_SECRET, DAY, REDIRECT_URI, consent, running

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the libraries' own utcnow() etc.


@pytest.fixture(autouse=True)
def plain_http(monkeypatch):
    """The SDK's OAuth2Session (requests-oauthlib) refuses http:// unless told it is a local test."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture(scope="module")
def emulator():
    with running({"SEED": [{"name": "SDK Landscaping", "invoices": 1200, "seed": 5}]}) as emulator:
        yield emulator


def auth_client(emulator) -> AuthClient:
    """Intuit's client, told where the emulator's discovery document is (its `environment` may be a URL)."""
    discovery = f"{emulator.url}/.well-known/openid_sandbox_configuration/"
    return AuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, discovery)


def connected(emulator) -> tuple[AuthClient, str]:
    client = auth_client(emulator)
    url = client.get_authorization_url([Scopes.ACCOUNTING, Scopes.OPENID, Scopes.EMAIL])
    callback = consent(url)
    assert callback["state"] == [client.state_token]
    realm = callback["realmId"][0]
    client.get_bearer_token(callback["code"][0], realm_id=realm)
    return client, realm


@pytest.fixture(scope="module")
def qb(emulator) -> QuickBooks:
    client, realm = connected(emulator)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        qb = QuickBooks(
            auth_client=client, refresh_token=client.refresh_token, company_id=realm, minorversion=75
        )
    qb.api_url_v3 = f"{emulator.url}/v3"  # the SDK's base URL (a class attribute naming Intuit's host)
    return qb


def test_intuit_oauth_code_flow_id_token_userinfo_refresh_and_revoke(emulator):
    client, realm = connected(emulator)
    assert client.realm_id == realm and client.expires_in == 3600
    assert client.x_refresh_token_expires_in == 8726400
    assert client.id_token  # set only when iss, aud, exp and the RS256 signature (via jwks_uri) check out
    assert client.get_user_info().json()["email"] == "analyst@example.com"

    first = client.refresh_token
    client.refresh()
    assert client.refresh_token == first  # within 24 h the same refresh token comes back
    emulator.advance(DAY + 60)
    client.refresh()
    assert client.refresh_token != first  # rotated after 24 h

    client.revoke()
    with pytest.raises(AuthClientError) as caught:
        client.refresh()
    assert caught.value.status_code == 400 and b"invalid_grant" in caught.value.content
    assert caught.value.intuit_tid.startswith("1-")


def test_a_bad_secret_is_refused_to_intuits_client(emulator):
    client = AuthClient(CLIENT_ID, "wrong", REDIRECT_URI, f"{emulator.url}/.well-known/openid_configuration")
    with pytest.raises(AuthClientError) as caught:
        client.refresh(refresh_token="RT1-nothing")
    assert caught.value.status_code == 401 and b"invalid_client" in caught.value.content


def admin_ids(emulator, realm: str, entity: str) -> list[str]:
    rows = emulator.admin("GET", f"/companies/{realm}/entities/{entity}")[entity]
    return [row["Id"] for row in rows]


def test_sdk_counts_and_pages_every_invoice(emulator, qb):
    expected = admin_ids(emulator, qb.company_id, "Invoice")
    assert Invoice.count(qb=qb) == len(expected) == 1200
    seen: list[str] = []
    while page := Invoice.all(start_position=len(seen) + 1, max_results=1000, qb=qb):
        seen += [invoice.Id for invoice in page]
    assert seen == expected


def test_sdk_reads_an_invoice_with_every_line_type(emulator, qb):
    ids = admin_ids(emulator, qb.company_id, "Invoice")
    kinds: set[str] = set()
    for invoice_id in ids[:60]:
        invoice = Invoice.get(invoice_id, qb=qb)
        assert invoice.Id == invoice_id and invoice.CustomerRef.value
        kinds |= {line.DetailType for line in invoice.Line}
    assert {"SalesItemLineDetail", "SubTotalLineDetail"} <= kinds


def test_sdk_name_lists_company_info_and_preferences(emulator, qb):
    everyone = admin_ids(emulator, qb.company_id, "Customer")
    assert Customer.count("Active IN (true, false)", qb=qb) == len(everyone)
    assert Customer.count(qb=qb) < len(everyone)  # inactive customers are left out unless asked for
    assert {item.Id for item in Item.all(max_results=1000, qb=qb)}  # `SELECT *, Sku FROM Item`
    assert CompanyInfo.get(qb.company_id, qb=qb).CompanyName == "SDK Landscaping"
    assert Preferences.get(qb=qb).CurrencyPrefs.HomeCurrency.value == "USD"


def test_sdk_change_data_capture_sees_an_edit_and_a_deletion(emulator, qb):
    since = datetime.fromisoformat(emulator.admin("GET", "/clock")["now"]).replace(tzinfo=None)
    emulator.advance(120)
    invoice, gone = admin_ids(emulator, qb.company_id, "Invoice")[:2]
    emulator.admin(
        "POST", f"/companies/{qb.company_id}/entities/Invoice/{invoice}", json={"PrivateNote": "x"}
    )
    emulator.admin("DELETE", f"/companies/{qb.company_id}/entities/Invoice/{gone}")
    changes = change_data_capture([Invoice, Customer], since + timedelta(seconds=60), qb=qb)
    rows = list(changes.Invoice)
    assert [row.Id for row in rows] == [invoice, gone] and rows[0].PrivateNote == "x"
    assert not hasattr(changes, "Customer")


def test_sdk_reports(qb):
    report = qb.get_report("ProfitAndLoss", {"start_date": "2025-01-01", "end_date": "2025-12-31"})
    assert report["Header"]["ReportName"] == "ProfitAndLoss" and report["Rows"]["Row"]
    sheet = qb.get_report("BalanceSheet", {"date_macro": "Last Month", "accounting_method": "Cash"})
    assert sheet["Header"]["ReportBasis"] == "Cash"


@pytest.mark.parametrize(
    ("rule", "raised", "code"),
    [
        ({"status": 401}, AuthorizationException, 401),
        ({"status": 500}, SevereException, 10000),
        ({"status": 200}, SevereException, 10000),
        ({"code": "4001"}, ValidationException, 4001),
        ({"code": "6000"}, QuickbooksException, 6000),
        ({"code": "610"}, ObjectNotFoundException, 610),
    ],
)
def test_sdk_raises_the_documented_exception_for_each_injected_fault(emulator, qb, rule, raised, code):
    emulator.admin("POST", "/faults", json={"kind": "query", "realmId": qb.company_id, **rule})
    try:
        with pytest.raises(raised) as caught:
            Invoice.count(qb=qb)
        assert caught.value.error_code == code
        assert Invoice.count(qb=qb) == len(admin_ids(emulator, qb.company_id, "Invoice"))  # one call only
    finally:
        emulator.admin("DELETE", "/faults")


def test_sdk_sees_query_syntax_faults(qb):
    with pytest.raises(ValidationException) as caught:
        Invoice.where("Id = '1' OR Id = '2'", qb=qb)
    assert caught.value.error_code == 4000


def test_sdk_batch_queries_come_back_in_order_with_per_item_faults(emulator, qb):
    """The SDK's raw batch call (`QuickBooks.batch_operation`), as the Singer tap reads every entity."""
    body = {
        "BatchItemRequest": [
            {"bId": "invoices", "Query": "SELECT * FROM Invoice MAXRESULTS 3"},
            {"bId": "broken", "Query": "SELECT * FROM Invoice WHERE"},
            {"bId": "customers", "Query": "SELECT COUNT(*) FROM Customer"},
        ]
    }
    answers = qb.batch_operation(json.dumps(body))["BatchItemResponse"]
    assert [answer["bId"] for answer in answers] == ["invoices", "broken", "customers"]
    assert [row["Id"] for row in answers[0]["QueryResponse"]["Invoice"]] == admin_ids(
        emulator, qb.company_id, "Invoice"
    )[:3]
    assert answers[1]["Fault"]["Error"][0]["code"] == "4000"
    assert answers[2]["QueryResponse"]["totalCount"] == Customer.count(qb=qb)


def test_sdk_batch_manager_writes_are_faults_and_change_nothing(emulator, qb):
    """BatchManager only writes; the read-only emulator answers each item with its own Fault."""
    before = admin_ids(emulator, qb.company_id, "Customer")
    customers = []
    for name in ("Batch One", "Batch Two"):
        customer = Customer()
        customer.DisplayName = name
        customers.append(customer)
    result = batch_create(customers, qb=qb)
    assert result.successes == [] and len(result.faults) == 2
    assert {fault.Error[0].code for fault in result.faults} == {"500"}
    assert {fault.original_object.DisplayName for fault in result.faults} == {"Batch One", "Batch Two"}
    assert admin_ids(emulator, qb.company_id, "Customer") == before


@pytest.mark.parametrize(
    "kind", [Budget, PurchaseOrder, RefundReceipt, TaxAgency, TaxRate, TimeActivity, Transfer, VendorCredit]
)
def test_sdk_queries_and_reads_the_newer_entities(emulator, qb, kind):
    expected = admin_ids(emulator, qb.company_id, kind.qbo_object_name)
    assert kind.count(qb=qb) == len(expected) > 0
    assert [row.Id for row in kind.all(max_results=1000, qb=qb)] == expected
    assert kind.get(expected[-1], qb=qb).Id == expected[-1]


def test_sdk_change_data_capture_of_vendor_credits_and_transfers(emulator, qb):
    since = datetime.fromisoformat(emulator.admin("GET", "/clock")["now"]).replace(tzinfo=None)
    emulator.advance(120)
    credit = admin_ids(emulator, qb.company_id, "VendorCredit")[0]
    transfer = admin_ids(emulator, qb.company_id, "Transfer")[-1]
    emulator.admin(
        "POST", f"/companies/{qb.company_id}/entities/VendorCredit/{credit}", json={"PrivateNote": "x"}
    )
    emulator.admin("DELETE", f"/companies/{qb.company_id}/entities/Transfer/{transfer}")
    changes = change_data_capture([VendorCredit, Transfer], since + timedelta(seconds=60), qb=qb)
    assert [row.Id for row in changes.VendorCredit] == [credit]
    assert [row.Id for row in changes.Transfer] == [transfer]
