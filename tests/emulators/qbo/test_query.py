"""The query language: grammar, faults in the sandbox's wire shape, filtering, ordering, paging."""

from __future__ import annotations

import json
from datetime import UTC

import pytest

from emulators.qbo.api.faults import QueryFault
from emulators.qbo.api.query import parse
from emulators.qbo.api.values import as_datetime
from tests.emulators.qbo.emulator_harness import running, signed_in
from tests.reference import QBO_SAMPLES

SAMPLES = QBO_SAMPLES


@pytest.fixture(scope="module")
def api():
    with running({"SEED": [{"name": "Query Co", "invoices": 1500, "seed": 3}]}) as emulator:
        yield signed_in(emulator)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM Invoice",
        "select count(*) from Customer",
        "Select * From Customer Where Active IN (true, false)",
        "SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime > '2011-08-10T10:20:30-0700'",
        "SELECT * FROM Invoice WHERE Id IN ('1','2')",
        "SELECT * FROM Customer WHERE GivenName LIKE 'K%h' ORDERBY FamilyName DESC",
        "SELECT * FROM Invoice WHERE TxnDate > '2011-01-01' AND TxnDate <= CURRENT_DATE",
        "SELECT * FROM Invoice ORDER BY Metadata.LastUpdatedTime ASC, Id DESC STARTPOSITION 11 MAXRESULTS 10",
        "SELECT * FROM Invoice WHERE TotalAmt >= 100.5 AND Balance < -0.5",
    ],
)
def test_grammar_accepts_the_documented_forms(statement):
    assert parse(statement).entity.lower() in {"invoice", "customer"}


def test_parse_tree_content():
    query = parse(
        "select * from invoice where CustomerRef = '5' order by TxnDate desc startposition 3 maxresults 7"
    )
    assert (query.entity, query.start_position, query.max_results) == ("invoice", 3, 7)
    assert query.conditions[0].path == ("CustomerRef",) and query.conditions[0].values == ("5",)
    assert query.order == [(("TxnDate",), True)]
    assert parse("select * from Invoice").max_results == 100


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM Invoice WHERE TxnDate > '2020-01-01' OR TotalAmt > 5",
        "SELECT FROM Invoice",
        "SELECT * FROM Purchase WHERE TxnDate TxnDate > '2020-01-01'",
        "SELECT * FROM Invoice GROUP BY CustomerRef",
        "SELECT Id FROM Invoice",
        'SELECT * FROM Invoice WHERE DocNumber = "1001"',
    ],
)
def test_syntax_errors_are_fault_4000(statement):
    with pytest.raises(QueryFault) as caught:
        parse(statement)
    assert caught.value.code == "4000" and caught.value.detail.startswith("QueryParserError: Encountered")


def _fault(response) -> dict:
    assert response.status_code == 400, response.text
    return response.json()["Fault"]


def test_faults_have_the_sandbox_shape(api):
    parse_fault = _fault(api.query("SELECT * FROM Purchase WHERE TxnDate TxnDate > '2020-01-01'"))
    sample = json.loads((SAMPLES / "fault_400_query_parse.json").read_text())["Fault"]
    assert (
        parse_fault["type"] == sample["type"] and parse_fault["Error"][0].keys() == sample["Error"][0].keys()
    )
    prefix = 'QueryParserError: Encountered " <IDENTIFIER> "TxnDate "" at line 1, column '
    assert parse_fault["Error"][0]["Detail"].startswith(prefix) and sample["Error"][0]["Detail"].startswith(
        prefix
    )

    validation = _fault(api.query("SELECT * FROM Purchase WHERE NoSuchField = '1'"))
    assert validation == json.loads((SAMPLES / "fault_400_query_validation.json").read_text())["Fault"]


def test_maxresults_above_1000_is_4001(api):
    error = _fault(api.query("SELECT * FROM Invoice MAXRESULTS 1500"))["Error"][0]
    assert error["code"] == "4001"
    assert error["Detail"] == "QueryValidationError: value 1500 is too large. Max allowed value is 1000"


def test_or_is_4000_and_unknown_entity_is_4002(api):
    assert _fault(api.query("SELECT * FROM Invoice WHERE Id = '1' OR Id = '2'"))["Error"][0]["code"] == "4000"
    assert _fault(api.query("SELECT * FROM Unicorn"))["Error"][0]["code"] == "4002"


def test_get_and_post_query_agree(api):
    statement = "SELECT * FROM Customer WHERE Active IN (true, false) ORDERBY DisplayName MAXRESULTS 5"
    assert api.query(statement).json()["QueryResponse"] == api.post_query(statement).json()["QueryResponse"]


def test_paging_is_one_based_with_at_most_1000(api):
    total = api.query("SELECT COUNT(*) FROM Invoice").json()["QueryResponse"]["totalCount"]
    assert total == 1500
    first = api.query("SELECT * FROM Invoice STARTPOSITION 1 MAXRESULTS 1000").json()["QueryResponse"]
    second = api.query("SELECT * FROM Invoice STARTPOSITION 1001 MAXRESULTS 1000").json()["QueryResponse"]
    assert (first["startPosition"], first["maxResults"]) == (1, 1000)
    assert (second["startPosition"], second["maxResults"]) == (1001, 500)
    ids = [int(row["Id"]) for row in first["Invoice"] + second["Invoice"]]
    assert ids == sorted(ids) and len(set(ids)) == 1500  # default order: Id, numerically
    past = api.query("SELECT * FROM Invoice STARTPOSITION 1501")
    assert past.json()["QueryResponse"] == {} and "time" in past.json()
    assert len(api.query("SELECT * FROM Invoice").json()["QueryResponse"]["Invoice"]) == 100


def test_ids_compare_and_order_as_numbers_so_a_keyset_on_id_pages_in_order(api):
    """`Id > 'n' ORDERBY Id` (qbo.paging.ById) goes on right after n in number order ('1000' after '999')."""
    pages = [f"SELECT * FROM Invoice ORDERBY Id STARTPOSITION {s} MAXRESULTS 1000" for s in (1, 1001)]
    ids = [int(row["Id"]) for p in pages for row in api.query(p).json()["QueryResponse"]["Invoice"]]
    assert len(ids) == 1500 and min(ids) < 999 < max(ids)
    rows = api.query("SELECT * FROM Invoice WHERE Id > '999' ORDERBY Id MAXRESULTS 3").json()
    assert [int(row["Id"]) for row in rows["QueryResponse"]["Invoice"]] == sorted(i for i in ids if i > 999)[
        :3
    ]
    last = str(max(ids))
    assert api.query(f"SELECT * FROM Invoice WHERE Id > '{last}' ORDERBY Id").json()["QueryResponse"] == {}


@pytest.mark.parametrize("after", ["0", "1", "737", "999", "1000", "1499", "1500", "99999"])
def test_a_keyset_page_has_the_rows_of_filtering_every_row(api, after):
    """The keyset path (bisecting the cached Id order, search._after_id) answers what filtering each row by
    `Id > n` would: with another condition, a start position, and COUNT."""

    def ids(statement: str) -> list[int]:
        found = api.query(statement).json()["QueryResponse"].get("Invoice", [])
        return [int(row["Id"]) for row in found]

    everything = ids("SELECT * FROM Invoice WHERE TotalAmt > '300' ORDERBY Id MAXRESULTS 1000") + ids(
        "SELECT * FROM Invoice WHERE TotalAmt > '300' ORDERBY Id STARTPOSITION 1001 MAXRESULTS 1000"
    )
    expected = [i for i in everything if i > int(after)]
    where = f"WHERE Id > '{after}' AND TotalAmt > '300' ORDERBY Id"
    assert ids(f"SELECT * FROM Invoice {where} MAXRESULTS 1000") == expected[:1000]
    assert ids(f"SELECT * FROM Invoice {where} STARTPOSITION 3 MAXRESULTS 5") == expected[2:7]
    count = api.query(f"SELECT COUNT(*) FROM Invoice {where}").json()["QueryResponse"]["totalCount"]
    assert count == len(expected)


def test_a_keyset_on_an_id_that_is_no_number_takes_the_general_path(api):
    """Text compares as text (the general path), not through the numeric Id index."""
    rows = api.query("SELECT * FROM Invoice WHERE Id > '9' ORDERBY Id MAXRESULTS 1000").json()
    assert all(int(row["Id"]) > 9 for row in rows["QueryResponse"]["Invoice"])
    texts = api.query("SELECT * FROM Invoice WHERE Id > 'a' ORDERBY Id").json()["QueryResponse"]
    assert texts == {}  # every Id, as text, sorts before "a"


def test_name_lists_are_active_only_unless_asked(api):
    everyone = api.query("SELECT * FROM Customer WHERE Active IN (true, false) MAXRESULTS 1000").json()
    active = api.query("SELECT * FROM Customer MAXRESULTS 1000").json()["QueryResponse"]["Customer"]
    inactive = api.query("SELECT * FROM Customer WHERE Active = false").json()["QueryResponse"]["Customer"]
    assert all(row["Active"] for row in active) and not any(row["Active"] for row in inactive)
    assert len(everyone["QueryResponse"]["Customer"]) == len(active) + len(inactive)


def test_filters_compare_dates_refs_and_text(api):
    rows = (
        api.query(
            "SELECT * FROM Invoice WHERE TxnDate >= '2026-01-01' AND TxnDate < '2026-02-01' MAXRESULTS 1000"
        )
        .json()["QueryResponse"]
        .get("Invoice", [])
    )
    assert rows and all("2026-01-01" <= row["TxnDate"] < "2026-02-01" for row in rows)
    customer = rows[0]["CustomerRef"]["value"]
    by_customer = api.query(f"SELECT * FROM Invoice WHERE CustomerRef = '{customer}' MAXRESULTS 1000").json()
    assert {row["CustomerRef"]["value"] for row in by_customer["QueryResponse"]["Invoice"]} == {customer}
    doc = api.query("SELECT * FROM Invoice WHERE DocNumber = '00123'").json()["QueryResponse"]["Invoice"]
    assert [row["DocNumber"] for row in doc] == ["00123"]
    like = api.query("SELECT * FROM Customer WHERE DisplayName LIKE '%søn%'").json()["QueryResponse"][
        "Customer"
    ]
    assert like[0]["DisplayName"] == "Zoë Ünïcode & Søn 株式会社"
    ids = api.query("SELECT * FROM Invoice WHERE Id IN ('{}', '999999')".format(rows[0]["Id"])).json()
    assert [row["Id"] for row in ids["QueryResponse"]["Invoice"]] == [rows[0]["Id"]]


def test_datetimes_with_offsets_compare_as_instants(api):
    rows = api.query("SELECT * FROM Invoice ORDER BY MetaData.LastUpdatedTime DESC MAXRESULTS 1").json()
    newest = rows["QueryResponse"]["Invoice"][0]["MetaData"]["LastUpdatedTime"]  # e.g. ...T10:00:00-08:00
    utc = as_datetime(newest).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    same = api.query(f"SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime >= '{utc}'").json()[
        "QueryResponse"
    ]
    assert newest in [row["MetaData"]["LastUpdatedTime"] for row in same["Invoice"]]
    later = api.query(f"SELECT * FROM Invoice WHERE Metadata.LastUpdatedTime > '{utc}'").json()[
        "QueryResponse"
    ]
    assert newest not in [row["MetaData"]["LastUpdatedTime"] for row in later.get("Invoice", [])]


def test_order_by_several_fields(api):
    rows = api.query("SELECT * FROM Invoice ORDER BY CustomerRef ASC, TotalAmt DESC MAXRESULTS 300").json()
    keys = [(int(row["CustomerRef"]["value"]), -row["TotalAmt"]) for row in rows["QueryResponse"]["Invoice"]]
    assert keys == sorted(keys)


def test_incremental_sync_pattern_of_the_taps(api):
    statement = (
        "SELECT * FROM Invoice WHERE Metadata.LastUpdatedTime >= '2020-01-01T00:00:00-08:00' "
        "ORDER BY Metadata.LastUpdatedTime ASC STARTPOSITION 1 MAXRESULTS 1000"
    )
    rows = api.query(statement).json()["QueryResponse"]["Invoice"]
    stamps = [row["MetaData"]["LastUpdatedTime"] for row in rows]
    assert len(rows) == 1000 and stamps == sorted(stamps)


def test_count_ignores_paging(api):
    response = api.query("SELECT COUNT(*) FROM Invoice MAXRESULTS 10").json()
    assert response["QueryResponse"] == {"totalCount": 1500}


def test_star_with_named_properties_returns_every_property(api):
    """python-quickbooks 0.9.12 asks `SELECT *, Sku FROM Item`; the named properties add nothing."""
    plain = api.query("SELECT * FROM Item MAXRESULTS 1000").json()["QueryResponse"]
    named = api.query("SELECT *, Sku, IncomeAccountRef FROM Item MAXRESULTS 1000").json()["QueryResponse"]
    assert named == plain and plain["Item"]
    error = _fault(api.query("SELECT *, Unicorn FROM Item"))["Error"][0]
    assert error["code"] == "4001" and "Property Unicorn not found for Entity Item" in error["Detail"]
