"""Every dashboard page costs the same number of SQL statements whatever the workspace holds, and the lists
page through everything newest first, with their filters, without repeating or skipping a row."""

from __future__ import annotations

import re

from sqlmodel import col, select

from store import db
from store.models import Membership, Run, User
from tests import factories
from tests.statements import counted
from tests.web.browser import Browser


def workspace_of(user: Browser) -> int:
    with db.session_scope() as session:
        return session.exec(
            select(Membership.workspace_id)
            .join(User, col(User.id) == col(Membership.user_id))
            .where(User.email == user.email)
        ).one()


def pages(seeded: factories.Seeded) -> dict[str, str]:
    """Each dashboard page (and the lists filtered), by name: its URL."""
    newest = seeded.exporter_ids[-1]
    with db.session_scope() as session:
        run_id = session.exec(
            select(Run.id).where(Run.exporter_id == newest).order_by(col(Run.id).desc())
        ).first()
    company = seeded.company_ids[0]
    return {
        "home": "/",
        "exporters": "/exporters/",
        "exporters filtered": f"/exporters/?company={company}&source=invoices&state=active&status=running",
        "one exporter": f"/exporters/{newest}",
        "runs": "/runs/",
        "runs filtered": f"/runs/?company={company}&source=invoices&status=succeeded",
        "one run": f"/runs/{run_id}",
        "companies": "/companies/",
        "google accounts": "/google/",
    }


def statements_per_page(user: Browser, size: int) -> dict[str, int]:
    with db.session_scope() as session:
        seeded = factories.dashboard(
            session, workspace_of(user), companies=size, exporters=size, runs=size * size
        )
    counts = {}
    for name, url in pages(seeded).items():
        with counted() as statements:
            page = user.get(url)
        assert user.status == 200, (name, page.html[:500])
        if "filtered" in name:  # the first exporter matches both filters, whatever the size
            assert "Exporter 0000" in page.html, name
        counts[name] = len(statements)
    assert f"Exporter {size - 1:04}" in user.get("/exporters/").html  # the newest exporter is listed first
    return counts


def test_every_page_costs_the_same_statements_at_3_and_30_exporters(database_url, app) -> None:
    small = Browser(app.test_client())
    small.sign_up("Ada", "ada@example.com")
    large = Browser(app.test_client())
    large.sign_up("Bob", "bob@example.com")

    at_3 = statements_per_page(small, 3)
    at_30 = statements_per_page(large, 30)

    assert at_30 == at_3
    print("statements per page:", at_3)
    assert max(at_3.values()) <= 15, at_3


def walk(user: Browser, url: str) -> list[str]:
    """The exporter names of a list, following its "Older" links from the first page."""
    seen: list[str] = []
    while url:
        page = user.get(url)
        assert user.status == 200
        seen += [label for label, _ in page.links if label.startswith("Exporter ")]
        older = [href for label, href in page.links if label.startswith("Older")]
        url = older[0] if older else ""
    return seen


def test_the_exporters_list_pages_through_every_exporter_newest_first_keeping_filters(user: Browser) -> None:
    with db.session_scope() as session:
        seeded = factories.dashboard(session, workspace_of(user), companies=4, exporters=120, runs=240)

    names = walk(user, "/exporters/")
    assert names == [f"Exporter {i:04}" for i in reversed(range(120))]

    invoices = walk(user, "/exporters/?source=invoices")
    assert invoices == [f"Exporter {i:04}" for i in reversed(range(120)) if i % 4 == 0]
    assert len(invoices) == 30  # one page: no "Older" link followed past the filter

    company = seeded.company_ids[1]
    reading = walk(user, f"/exporters/?company={company}")
    # exporter i reads company i % 4, and also (i + 1) % 4 when i is odd
    assert reading == [
        f"Exporter {i:04}" for i in reversed(range(120)) if i % 4 == 1 or (i % 2 and (i + 1) % 4 == 1)
    ]


def test_a_filter_that_names_nothing_says_so_and_shows_the_whole_list(user: Browser) -> None:
    with db.session_scope() as session:
        factories.dashboard(session, workspace_of(user), companies=2, exporters=3, runs=6)
    page = user.get("/runs/?status=exploded")
    assert user.status == 200
    assert "`status` must be one of queued, running, succeeded, failed, cancelled, skipped" in page.text
    assert "Exporter 0002" in page.text
    page = user.get("/exporters/?cursor=abc")
    assert "`cursor` must be a positive whole number" in page.text and "Exporter 0000" in page.text


def test_the_home_page_counts_exporters_and_runs_and_shows_only_the_latest(user: Browser) -> None:
    with db.session_scope() as session:
        factories.dashboard(session, workspace_of(user), companies=3, exporters=40, runs=410, days=4)
    page = user.get("/")
    glance = " ".join(page.text[page.text.index("At a glance") :].split())
    # the factory disables i % 7 == 3 (6 of 40) and pauses the others with i % 11 == 5 (5, 16, 27)
    assert "40 exporters : 31 active · 6 disabled · 3 paused company" in glance
    # 410 runs evenly over 4 days: 308..409 in the last day; 1 in 9 failed, the newest of every 10th running
    last_day = range(308, 410)
    running = [i for i in last_day if i >= 410 - 40 and (i % 40) % 10 == 0]
    failed = [i for i in last_day if i % 9 == 4 and i not in running]
    succeeded = len(last_day) - len(running) - len(failed)
    counts = f"{len(failed)} failed · {len(running)} running · {succeeded} succeeded"
    assert f"Runs queued in the last 24 hours: {counts}" in glance
    latest = page.html[page.html.index("Latest exporters") : page.html.index("Recent runs")]
    shown = re.findall(r">(Exporter \d{4})</a>", latest)
    assert shown == [f"Exporter {i:04}" for i in reversed(range(30, 40))]
    assert page.link("All 40 exporters")
