"""The client factory: emulator routing, bounded retries, reconnect errors, service accounts, write pacing."""

from __future__ import annotations

import json
import uuid

import fakeredis
import pytest
import redis

from sheets.client import make_client, parse_spreadsheet_id, spreadsheet_key, spreadsheet_url
from sheets.credentials import service_account_credentials, service_account_email
from sheets.errors import GoogleReconnectRequired, QuotaExhausted, SheetsUnavailable
from sheets.pacing import WritePacer
from sheets.retry import RetryPolicy
from sheets.writer import SheetWriter
from tests.sheets.conftest import Col
from tests.sheets.wire import fail_writes

COLUMNS = [Col("id", "Id", "text"), Col("amount", "Amount", "money")]


def test_links_and_ids(google_settings):
    url = spreadsheet_url("1AbC-d_efGhijkLMNOP", 42, google_settings)
    assert url == f"{google_settings.google_web_base}/spreadsheets/d/1AbC-d_efGhijkLMNOP/edit?gid=42#gid=42"
    assert parse_spreadsheet_id(url) == "1AbC-d_efGhijkLMNOP"
    assert parse_spreadsheet_id(" 1AbC-d_efGhijkLMNOP ") == "1AbC-d_efGhijkLMNOP"
    with pytest.raises(ValueError, match="not a Google Sheets link"):
        parse_spreadsheet_id("https://example.com/invoices")


def test_a_key_to_look_a_spreadsheet_up_by_is_its_id_or_the_text_that_matches_none():
    link = "https://docs.google.com/spreadsheets/d/1AbC-d_efGhijkLMNOP/edit#gid=0"
    assert spreadsheet_key(link) == spreadsheet_key(" 1AbC-d_efGhijkLMNOP ") == "1AbC-d_efGhijkLMNOP"
    assert spreadsheet_key(" no sheet here ") == "no sheet here"  # not refused: it matches no exporter


def test_rate_limits_and_outages_are_retried_then_succeed(google_user, gc, spreadsheet):
    google_user.admin("faults", {"route": "sheets.write", "status": 429, "count": 2})
    google_user.admin("faults", {"route": "sheets.read", "status": 503, "count": 1})
    result = SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [("1", 5)])
    assert result.rows_written == 1 and len(google_user.waits) == 3
    assert spreadsheet.worksheet("Invoices").acell("B2").value == "5.00"


def test_retries_are_bounded(google_user, spreadsheet, google_settings):
    google_user.admin("faults", {"route": "sheets.read", "status": 429, "count": 50})
    waits: list[float] = []
    client = make_client(
        google_user.credentials(), google_settings, policy=RetryPolicy(tries=4, sleep=waits.append)
    )
    with pytest.raises(QuotaExhausted, match="after 4 tries"):
        SheetWriter(client, spreadsheet.id, "Invoices").replace(COLUMNS, [("1", 5)])
    assert len(waits) == 3 and client.http_client.calls == 4


def test_a_revoked_grant_asks_for_a_reconnect(google_user, gc, spreadsheet):
    google_user.admin("tokens/revoke", {"email": google_user.email})
    google_user.admin("clock/advance", {"seconds": 7200})  # the access token expires too
    with pytest.raises(GoogleReconnectRequired, match="Reconnect"):
        SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [("1", 5)])


def test_service_account_mode_writes_to_a_sheet_shared_with_it(google_user, gc, google_settings, tmp_path):
    key = google_user.admin(
        "service-accounts", {"email": f"exporter-{uuid.uuid4().hex[:6]}@proj.iam.gserviceaccount.com"}
    )
    path = tmp_path / "key.json"
    path.write_text(json.dumps(key))
    sa_settings = google_settings.with_overrides(google_service_account_file=str(path))
    spreadsheet = gc.create("Shared with the robot")
    spreadsheet.share(service_account_email(sa_settings), perm_type="user", role="writer", notify=False)
    robot = make_client(service_account_credentials(sa_settings), sa_settings)
    SheetWriter(robot, spreadsheet.id, "Invoices").replace(COLUMNS, [("1", 5)])
    assert spreadsheet.worksheet("Invoices").get_all_values()[1] == ["1", "5.00"]


def test_writes_are_paced_per_google_account_across_workers(redis_url):
    waits: list[float] = []
    account = f"acct-{uuid.uuid4().hex[:6]}"
    workers = [WritePacer.from_url(redis_url, account, per_minute=3, sleep=waits.append) for _ in range(2)]
    grants = [workers[i % 2].try_take() for i in range(5)]
    assert grants[:3] == [0, 0, 0] and all(0 < g <= 60 for g in grants[3:])
    other = WritePacer.from_url(redis_url, f"{account}-b", per_minute=3)
    assert other.try_take() == 0
    redis.Redis.from_url(redis_url).delete(workers[0].key)
    workers[0].acquire()
    assert waits == []


def test_retry_after_is_honoured_and_other_waits_are_jittered(google_user, gc, spreadsheet):
    fail_writes(gc, 2, retry_after="7")
    SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [("1", 5)])
    assert google_user.waits == [7.0, 7.0]  # what Google asked for, not our own backoff
    policy = RetryPolicy(sleep=lambda _s: None)
    delays = [policy.delay(attempt, None) for attempt in (1, 2, 3, 4, 5, 6, 7) for _ in range(200)]
    assert len(set(delays)) > 1000 and max(delays) <= 64  # full jitter, capped
    assert (
        max(policy.delay(2, None) for _ in range(200)) <= 4 < max(policy.delay(5, None) for _ in range(200))
    )


def test_a_retry_after_too_long_to_wait_ends_the_run_now(google_user, gc, spreadsheet):
    fail_writes(gc, 1, retry_after="3600")
    with pytest.raises(QuotaExhausted, match="after 1 try "):
        SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [("1", 5)])
    assert google_user.waits == []


def granted_at(pacers: list[WritePacer], clock: list[float], attempts: list[float]) -> list[float]:
    """Try a write at each time (the pacers taking turns); when each grant happened."""
    granted = []
    for i, at in enumerate(attempts):
        clock[0] = at
        if pacers[i % len(pacers)].try_take() == 0:
            granted.append(at)
    return granted


def test_no_minute_ever_holds_more_writes_than_the_pace(redis_url):
    clock = [0.0]
    account = f"acct-{uuid.uuid4().hex[:6]}"
    pacers = [WritePacer.from_url(redis_url, account, per_minute=3, clock=lambda: clock[0]) for _ in range(2)]
    # A fixed window would grant 5 writes between 59.9 s and 60.1 s here.
    attempts = [0, 59.9, 59.9, 60.0, 60.0, 60.1, 60.1, 119.8, 119.95, 120.0, 180.0, 180.0, 180.0, 180.0]
    granted = granted_at(pacers, clock, attempts)
    assert granted == [0, 59.9, 59.9, 60.0, 119.95, 120.0, 180.0, 180.0, 180.0]
    assert all(sum(start <= t < start + 60 for t in granted) <= 3 for start in granted)
    clock[0] = 180.5
    wait = pacers[0].try_take()
    assert wait == pytest.approx(59.5)  # until the first of the three at 180 s leaves the minute
    clock[0] += wait
    assert pacers[1].try_take() == 0


def test_the_pace_works_on_the_embedded_redis_of_the_demo():
    fake = fakeredis.FakeRedis()
    pacer = WritePacer(fake, "demo", per_minute=2)
    assert [pacer.try_take(), pacer.try_take()] == [0, 0] and 0 < pacer.try_take() <= 60


def test_every_write_waits_for_the_accounts_pace_and_reads_do_not(google_user, google_settings, redis_url):
    waits: list[float] = []
    pacer = WritePacer.from_url(redis_url, f"acct-{uuid.uuid4().hex[:6]}", per_minute=2, sleep=waits.append)
    client = make_client(google_user.credentials(), google_settings, pacer=pacer)
    spreadsheet = client.create("Paced")  # a Drive write: the first slot
    SheetWriter(client, spreadsheet.id, "Invoices").replace(COLUMNS, [("1", 5)])  # a read, then the second
    assert waits == [] and client.http_client.write_calls == 2
    client.http_client.pacer.sleep = lambda _s: redis.Redis.from_url(redis_url).delete(pacer.key)
    SheetWriter(client, spreadsheet.id, "Invoices").replace(COLUMNS, [("2", 6)])  # had to wait
    assert pacer.waited > 0 and spreadsheet.worksheet("Invoices").get_all_values()[1] == ["2", "6.00"]


def test_a_google_that_does_not_answer_times_out_and_is_tried_again(
    google_user, spreadsheet, google_settings
):
    google_user.admin("faults", {"route": "sheets.read", "latency_ms": 3000, "count": 1})
    waits: list[float] = []
    policy = RetryPolicy(sleep=waits.append, timeout=(5.0, 0.5))
    client = make_client(google_user.credentials(), google_settings, policy=policy)
    SheetWriter(client, spreadsheet.id, "Invoices").replace(COLUMNS, [("1", 5)])
    assert len(waits) == 1 and client.http_client.retries == 1
    assert spreadsheet.worksheet("Invoices").get_all_values()[1] == ["1", "5.00"]


def test_a_batch_that_adds_rows_is_not_sent_twice_after_a_5xx(google_user, gc, spreadsheet):
    state = SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [("1", 5)]).header_state
    before = spreadsheet.worksheet("Invoices").get_all_values()
    google_user.admin("faults", {"route": "sheets.write", "status": 503, "count": 1})
    writer = SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state)
    with pytest.raises(SheetsUnavailable, match="not sent twice"):
        writer.upsert(COLUMNS, ["id"], [("2", 7)])
    assert gc.http_client.retries == 0
    assert spreadsheet.worksheet("Invoices").get_all_values() == before
    # the next run does it (the emulator's 503 applied nothing)
    SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state).upsert(COLUMNS, ["id"], [("2", 7)])
    assert spreadsheet.worksheet("Invoices").get_all_values()[1:] == [["1", "5.00"], ["2", "7.00"]]


def test_a_replace_that_only_rewrites_cells_is_retried_after_a_5xx(google_user, gc, spreadsheet):
    google_user.admin("faults", {"route": "sheets.write", "status": 503, "count": 1})
    SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [("1", 5)])
    assert gc.http_client.retries == 1 and spreadsheet.worksheet("Invoices").acell("B2").value == "5.00"
