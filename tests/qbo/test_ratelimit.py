"""The per-realm request budget: shared through Redis by every client and process, refusing before sending."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from emulators.serving import RunningServer
from qbo.errors import QboRateLimited
from qbo.ratelimit import RealmBudget
from tests.qbo.fixtures import qbo_emulator_with
from tests.qbo.intuit import Admin

IN_FLIGHT = 3


@pytest.fixture(scope="module")
def qbo_emulator() -> Iterator[RunningServer]:
    """An Intuit that throttles a realm past 3 requests in flight (10 in production)."""
    yield from qbo_emulator_with({"LIMITS": {"per_minute": 500, "concurrent": IN_FLIGHT}})


@pytest.fixture
def realm(admin: Admin) -> str:
    return admin.company("Budget Co")


@pytest.fixture
def namespace() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def reads(admin: Admin, realm: str) -> int:
    return admin.requests(realm).get(("GET", "read"), 0)


def test_a_client_over_the_realms_budget_is_refused_before_anything_is_sent(
    make_client, realm, admin, redis, namespace
):
    client = make_client(realm)
    client.budget = RealmBudget(redis, realm, per_minute=5, per_second=100, namespace=namespace)
    before = reads(admin, realm)

    for _ in range(5):
        client.company_info()
    with pytest.raises(QboRateLimited) as refused:
        client.company_info()

    assert reads(admin, realm) - before == 5  # the sixth never reached Intuit
    assert "5 a minute" in str(refused.value) and refused.value.retry_after > 50


def test_two_clients_of_one_realm_share_its_budget(make_client, realm, admin, redis, namespace):
    first, second = make_client(realm), make_client(realm)
    for client in (first, second):
        client.budget = RealmBudget(redis, realm, per_minute=4, per_second=100, namespace=namespace)
    other = make_client(admin.company("Other Budget Co"))
    other.budget = RealmBudget(redis, other.realm_id, per_minute=4, per_second=100, namespace=namespace)

    for client in (first, first, second, second):
        client.company_info()
    with pytest.raises(QboRateLimited):
        first.company_info()
    assert other.company_info()["CompanyName"] == "Other Budget Co"  # another realm has its own budget


def test_the_per_second_window_makes_callers_wait_instead_of_failing(make_client, realm, redis, namespace):
    client = make_client(realm)
    client.max_wait_seconds = 5
    client.budget = RealmBudget(redis, realm, per_minute=100, per_second=2, namespace=namespace)

    for _ in range(5):
        assert client.company_info()["CompanyName"] == "Budget Co"

    assert client.waited > 0 and client.calls == 5


def test_many_threads_never_take_more_slots_than_the_budget(redis, namespace):
    budget = RealmBudget(redis, "1234", per_minute=30, per_second=1000, namespace=namespace)

    def try_once(_: int) -> bool:
        try:
            with budget.slot(max_wait=0, sleep=lambda _s: None):
                return True
        except QboRateLimited:
            return False

    with ThreadPoolExecutor(max_workers=8) as pool:
        granted = sum(pool.map(try_once, range(200)))

    assert granted == 30


def test_requests_in_flight_are_capped_so_intuit_never_throttles(make_client, realm, admin, redis, namespace):
    admin.slow(latency_ms=300, realm=realm)

    def answered(budget: RealmBudget | None) -> list[bool]:
        """Eight workers call the realm at once, each allowed a single try (a 429 fails it)."""
        clients = [make_client(realm) for _ in range(8)]
        for client in clients:
            client.tries, client.max_wait_seconds, client.budget = 1, 30, budget

        def call(client) -> bool:
            try:
                return client.company_info()["CompanyName"] == "Budget Co"
            except QboRateLimited:
                return False

        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(call, clients))

    assert not all(answered(None))  # the control: without the budget Intuit throttles some of them
    shared = RealmBudget(
        redis, realm, per_minute=100, per_second=100, in_flight=IN_FLIGHT, namespace=namespace
    )
    assert all(answered(shared))
