"""The acceptance test of Decision 3 at its harshest: Intuit rotates the refresh token on *every* refresh,
and 8 processes force 200 refreshes of one company at once through the real Redis lock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from redis import Redis

from connections.clients import qbo_client_for
from connections.companies import save_connection
from emulators.serving import RunningServer
from store.db import session_scope
from store.models import Company, CompanyStatus
from tests import factories
from tests.qbo.fixtures import emulator_admin, qbo_emulator_with  # noqa: F401 - emulator_admin: a fixture
from tests.qbo.hammer import hammer_at_once
from tests.qbo.intuit import connect

PROCESSES = 8
ROUNDS = 25


@pytest.fixture(scope="module")
def qbo_emulator() -> Iterator[RunningServer]:
    """An Intuit that issues a new refresh token on every refresh: any superseded one used is seen."""
    yield from qbo_emulator_with({"ROTATE_EVERY_REFRESH": True})


def test_200_forced_refreshes_from_8_processes_never_use_a_superseded_refresh_token(
    database_url, settings, admin
):
    realm = admin.company("Hammered Co")
    with session_scope() as session:
        workspace = factories.workspace(session)
        company, _ = save_connection(
            session, workspace.id, None, realm, connect(settings, realm), "Hammered Co"
        )
    refreshes = hammer_at_once(settings, company.id, 0.0, PROCESSES, ROUNDS, force_every=1)
    assert PROCESSES * ROUNDS // 4 <= refreshes <= PROCESSES * ROUNDS
    [grant] = admin.grants(realm)
    assert len(grant["superseded"]) == refreshes  # each refresh rotated the token once
    assert admin.bad_refresh_attempts(realm) == 0  # and nobody ever used a superseded one

    with session_scope() as session:
        row = session.get(Company, company.id)
    assert (
        qbo_client_for(row, Redis.from_url(settings.redis_url)).company_info()["CompanyName"] == "Hammered Co"
    )
    assert admin.bad_refresh_attempts(realm) == 0
    with session_scope() as session:
        assert session.get(Company, company.id).status == CompanyStatus.CONNECTED
