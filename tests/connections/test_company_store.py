"""Companies in the store: reconnect instead of duplicate, pause and resume exactly, remove, token health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from connections.companies import disconnect, remove_company, save_connection
from connections.company_tokens import CompanyTokenStore
from connections.health import token_health
from exporters.run_inputs import claim_run
from qbo.errors import ReconnectRequired
from qbo.oauth import TokenSet
from store import states
from store.db import session_scope
from store.models import Company, CompanyStatus, Exporter, ExporterCompany, Run, Watermark
from tests import factories

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def tokens(suffix: str = "1", now: datetime = NOW) -> TokenSet:
    return TokenSet.from_response(
        {
            "access_token": f"access-{suffix}",
            "refresh_token": f"refresh-{suffix}",
            "expires_in": 3600,
            "x_refresh_token_expires_in": 8726400,
            "x_refresh_token_hard_expires_in": 5 * 365 * 86400,
        },
        now,
    )


def connect(session: Session, workspace_id: int, realm: str = "9130", suffix: str = "1") -> Company:
    company, _ = save_connection(session, workspace_id, None, realm, tokens(suffix), f"Realm {realm}", NOW)
    return company


def exporter_reading(session: Session, workspace_id: int, *companies: Company, **fields) -> Exporter:
    row = factories.exporter(session, workspace_id, **fields)
    for position, company in enumerate(companies):
        session.add(ExporterCompany(exporter_id=row.id, company_id=company.id, position=position))
    session.flush()
    return row


def state(exporter_id: int) -> tuple[bool, str]:
    with session_scope() as session:
        row = session.get(Exporter, exporter_id)
        return row.enabled, row.paused_reason


@pytest.fixture
def workspace_id(database_url, store_settings) -> int:
    with session_scope() as session:
        return factories.workspace(session).id


def test_connecting_the_same_realm_again_updates_the_company_instead_of_adding_one(workspace_id):
    with session_scope() as session:
        first, created = save_connection(session, workspace_id, None, "9130", tokens("1"), "Acme")
        again, created_again = save_connection(session, workspace_id, None, "9130", tokens("2"), "Acme")
        other, created_other = save_connection(session, workspace_id, None, "4620", tokens("3"), "Beta")
    assert (created, created_again, created_other) == (True, False, True)
    assert again.id == first.id and other.id != first.id
    assert CompanyTokenStore(first.id).load().refresh_token == "refresh-2"
    with session_scope() as session:
        assert len(session.exec(select(Company)).all()) == 2


def test_tokens_are_encrypted_at_rest(workspace_id):
    with session_scope() as session:
        company = connect(session, workspace_id)
        raw = session.exec(
            text("select access_token_enc, refresh_token_enc from company where id = :id").bindparams(
                id=company.id
            )
        ).one()
    assert "access-1" not in raw[0] and "refresh-1" not in raw[1]
    loaded = CompanyTokenStore(company.id).load()
    assert (loaded.access_token, loaded.refresh_token) == ("access-1", "refresh-1")


def test_needing_reconnect_pauses_enabled_exporters_and_reconnecting_resumes_exactly_those(workspace_id):
    with session_scope() as session:
        company = connect(session, workspace_id)
        running = exporter_reading(session, workspace_id, company, name="Invoices").id
        paused_by_analyst = exporter_reading(
            session, workspace_id, company, name="Vendors", enabled=False, disabled_by="holiday@example.com"
        ).id

    CompanyTokenStore(company.id).mark_reconnect_required("invalid_grant")

    with session_scope() as session:
        row = session.get(Company, company.id)
        assert row.status == CompanyStatus.NEEDS_RECONNECT and "invalid_grant" in row.status_reason
    enabled, reason = state(running)
    assert not enabled and "Realm 9130" in reason and "reconnect" in reason
    with pytest.raises(ReconnectRequired):
        CompanyTokenStore(company.id).load()

    with session_scope() as session:
        again = connect(session, workspace_id, suffix="2")
    assert again.id == company.id
    assert state(running) == (True, "")
    enabled, reason = state(paused_by_analyst)  # the analyst's own pause stays, with its reason
    assert not enabled and "Disabled by holiday@example.com" in reason


def test_an_exporter_of_two_companies_resumes_only_when_both_are_reconnected(workspace_id):
    with session_scope() as session:
        acme, beta = connect(session, workspace_id, "1"), connect(session, workspace_id, "2")
        both = exporter_reading(session, workspace_id, acme, beta).id
    CompanyTokenStore(acme.id).mark_reconnect_required("invalid_grant")
    CompanyTokenStore(beta.id).mark_reconnect_required("invalid_grant")

    with session_scope() as session:
        connect(session, workspace_id, "1")
    assert state(both)[0] is False
    with session_scope() as session:
        connect(session, workspace_id, "2")
    assert state(both) == (True, "")


def test_disconnect_when_intuit_cannot_be_reached_still_forgets_tokens_and_says_so(workspace_id):
    """store_settings points Intuit at a closed port: the revoke fails, the analyst is told."""
    with session_scope() as session:
        company = connect(session, workspace_id)
        exporter_id = exporter_reading(session, workspace_id, company).id
        warning = disconnect(session, company)
    assert warning and "Intuit did not confirm" in warning and "refresh-1" not in warning
    with session_scope() as session:
        row = session.get(Company, company.id)
        assert row.status == CompanyStatus.DISCONNECTED
        assert row.access_token_enc == row.refresh_token_enc == ""
    enabled, reason = state(exporter_id)
    assert not enabled and "disconnected" in reason

    with session_scope() as session:
        again, created = save_connection(session, workspace_id, None, "9130", tokens("2"), "Acme")
    assert not created and again.id == company.id and state(exporter_id) == (True, "")


def test_removing_a_company_deletes_its_own_exporters_and_keeps_shared_ones(workspace_id):
    with session_scope() as session:
        acme, beta = connect(session, workspace_id, "1"), connect(session, workspace_id, "2")
        own = exporter_reading(session, workspace_id, acme, name="Acme only").id
        shared = exporter_reading(session, workspace_id, acme, beta, name="Both").id
        session.add(Run(exporter_id=own, workspace_id=workspace_id))
        session.add(Watermark(exporter_id=own, company_id=acme.id, entity="Invoice"))
        session.add(Watermark(exporter_id=shared, company_id=acme.id, entity="Invoice"))
        session.add(Watermark(exporter_id=shared, company_id=beta.id, entity="Invoice"))
    with session_scope() as session:
        remove_company(session, session.get(Company, acme.id))

    with session_scope() as session:
        assert session.get(Company, acme.id) is None
        assert session.get(Exporter, own) is None
        assert session.exec(select(Run).where(Run.exporter_id == own)).all() == []
        assert session.get(Exporter, shared) is not None
        links = session.exec(select(ExporterCompany).where(ExporterCompany.exporter_id == shared)).all()
        assert [link.company_id for link in links] == [beta.id]
        marks = session.exec(select(Watermark)).all()
        assert [(m.exporter_id, m.company_id) for m in marks] == [(shared, beta.id)]


def test_token_health_warns_a_month_before_the_rolling_or_hard_expiry(workspace_id):
    with session_scope() as session:
        company = connect(session, workspace_id)
        healthy = token_health(company, NOW + timedelta(days=1))
        not_yet = token_health(company, NOW + timedelta(days=70))  # 31 days left
        month_left = token_health(company, NOW + timedelta(days=72))  # 29 days left
        rolling_soon = token_health(company, NOW + timedelta(days=95))
        company.refresh_hard_expires_at = NOW + timedelta(days=20)
        hard_soon = token_health(company, NOW + timedelta(days=10))
        gone = token_health(company, NOW + timedelta(days=200))
    assert healthy["level"] == "ok" and healthy["refresh_token_age_days"] == pytest.approx(1)
    assert not_yet["level"] == "ok" and month_left["level"] == "warning"
    assert rolling_soon["level"] == "warning" and rolling_soon["days_left"] == pytest.approx(6)
    assert "reconnect" in rolling_soon["message"]
    assert hard_soon["level"] == "warning" and hard_soon["days_left"] == pytest.approx(10)
    assert gone["level"] == "expired"


def test_an_exporter_whose_disconnected_company_was_edited_out_resumes(workspace_id):
    """On main the company's hold stayed: the exporter no longer read it, so its reconnect never lifted it."""
    with session_scope() as session:
        acme, beta = connect(session, workspace_id, "1"), connect(session, workspace_id, "2")
        both = exporter_reading(session, workspace_id, acme, beta).id
        disconnect(session, acme)
    assert state(both)[0] is False
    with session_scope() as session:  # the analyst edits Acme out (the editor settles the state on save)
        session.exec(
            ExporterCompany.__table__.delete().where(  # type: ignore[attr-defined]
                ExporterCompany.exporter_id == both, ExporterCompany.company_id == acme.id
            )
        )
        states.settle(session, session.get(Exporter, both))
    assert state(both) == (True, "")
    with session_scope() as session:
        connect(session, workspace_id, "1")  # reconnecting later changes nothing for it
    assert state(both) == (True, "")


def test_an_exporter_edited_to_read_a_disconnected_company_waits_for_it(workspace_id):
    """Found by tests/lifecycle: the company was lost before the exporter read it, so no hold was set, and
    once its other company was removed the exporter was active on a disconnected company alone."""
    with session_scope() as session:
        acme, beta = connect(session, workspace_id, "1"), connect(session, workspace_id, "2")
        reader = exporter_reading(session, workspace_id, acme).id
        disconnect(session, beta)
    assert state(reader) == (True, "")
    with session_scope() as session:  # the analyst adds Beta (the editor settles the state on save)
        session.add(ExporterCompany(exporter_id=reader, company_id=beta.id, position=1))
        session.flush()
        states.settle(session, session.get(Exporter, reader))
    enabled, why = state(reader)
    assert enabled is False and "Realm 2 was disconnected" in why
    with session_scope() as session:
        remove_company(session, session.get(Company, acme.id))
    assert state(reader)[0] is False  # Beta alone, still disconnected: still waiting
    with session_scope() as session:
        connect(session, workspace_id, "2")
    assert state(reader) == (True, "")


def test_removing_the_disconnected_company_resumes_its_other_exporters(workspace_id):
    with session_scope() as session:
        acme, beta = connect(session, workspace_id, "1"), connect(session, workspace_id, "2")
        both = exporter_reading(session, workspace_id, acme, beta).id
        disconnect(session, acme)
        remove_company(session, session.get(Company, acme.id))
    assert state(both) == (True, "")


def test_a_multi_company_exporter_set_to_continue_runs_with_the_others(workspace_id):
    with session_scope() as session:
        acme, beta = connect(session, workspace_id, "1"), connect(session, workspace_id, "2")
        keeps = exporter_reading(session, workspace_id, acme, beta, options={"missing_company": "keep"}).id
        pauses = exporter_reading(session, workspace_id, acme, beta, name="Pauses").id
        disconnect(session, acme)
        run = Run(exporter_id=keeps, workspace_id=workspace_id)
        session.add(run)
    assert state(pauses)[0] is False
    assert state(keeps) == (True, "")  # it goes on: the run reads Beta only
    inputs = claim_run(run.id)
    assert [c.realm_id for c in inputs.companies] == ["2"]
    with session_scope() as session:  # and with no company left it pauses after all
        disconnect(session, session.get(Company, beta.id))
    assert state(keeps)[0] is False
