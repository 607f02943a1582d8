"""Fixtures for exporters: emulated QBO companies, clients connected through the consent page."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from qbo.client import QboClient
from tests.qbo.conftest import admin, clock, make_client, redis  # noqa: F401 - shared fixtures
from tests.qbo.intuit import Admin


def new_company(admin: Admin, name: str, invoices: int = 30, **spec: object) -> str:  # noqa: F811
    """An emulated company (the generator's realistic data); its realm id."""
    body = {"name": name, "invoices": invoices, "seed": 7, **spec}
    return str(admin.call("POST", "companies", json=body)["realmId"])


@pytest.fixture(scope="module")
def acme_spec() -> dict:
    return {"multicurrency": True}


@pytest.fixture(scope="module")
def shared_acme(qbo_emulator, acme_spec) -> str:
    """The module's Acme, for its tests that only read it; its realm id."""
    return new_company(Admin(qbo_emulator.url), "Acme Landscaping", 30, **acme_spec)


@pytest.fixture
def acme(request, make_client, acme_spec) -> tuple[str, QboClient]:  # noqa: F811
    """A realistic multi-currency company with 30 invoices and its client. The module's tests share one,
    except a test that asks for `admin`: it may change the company, so it gets its own."""
    if "admin" in request.fixturenames:
        realm = new_company(request.getfixturevalue("admin"), "Acme Landscaping", 30, **acme_spec)
    else:
        realm = request.getfixturevalue("shared_acme")
    return realm, make_client(realm)


@pytest.fixture
def company_client(admin, make_client) -> Callable[..., tuple[str, QboClient]]:  # noqa: F811
    def make(name: str, invoices: int = 20, **spec: object) -> tuple[str, QboClient]:
        realm = new_company(admin, name, invoices, **spec)
        return realm, make_client(realm)

    return make
