"""The per-realm request budget: shared through Redis by every client and process, refusing before sending."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from qbo.errors import QboRateLimited
from qbo.ratelimit import RealmBudget
from tests.qbo.intuit import Admin


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
            budget.take(max_wait=0, sleep=lambda _s: None)
        except QboRateLimited:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        granted = sum(pool.map(try_once, range(200)))

    assert granted == 30
