"""The exporter page draws its recent runs' duration and rows as a server-rendered SVG, and the run page
shows how long a run waited past its due time."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from store.db import session_scope
from store.models import Run, RunStatus, Workspace, utcnow
from tests import factories
from tests.web.browser import Browser
from web.exporters.run_chart import PLOT_H


def test_the_run_history_chart_draws_each_finished_run(user: Browser) -> None:
    start = utcnow() - timedelta(hours=5)
    with session_scope() as session:
        [workspace] = session.exec(select(Workspace)).all()
        exporter_id = factories.exporter(session, workspace.id, name="Charted").id
        for i, (seconds, rows, status) in enumerate(
            [(10, 100, RunStatus.SUCCEEDED), (40, 400, RunStatus.SUCCEEDED), (20, 0, RunStatus.FAILED)]
        ):
            began = start + timedelta(hours=i)
            session.add(
                Run(exporter_id=exporter_id, workspace_id=workspace.id, status=status, rows=rows,
                    queued_at=began - timedelta(seconds=3), due_at=began - timedelta(seconds=3),
                    started_at=began, finished_at=began + timedelta(seconds=seconds))
            )  # fmt: skip
        session.add(Run(exporter_id=exporter_id, workspace_id=workspace.id, status=RunStatus.QUEUED))

    page = user.get(f"/exporters/{exporter_id}")
    svg = page.html.split("<svg", 1)[1].split("</svg>", 1)[0]
    bars = re.findall(r'<rect [^>]*height="([\d.]+)"[^>]*><title>([^<]+)</title>', svg)
    assert [title for _h, title in bars] == [
        f"Run #{n}: {s:.1f} s, {r} rows, {st}"
        for n, s, r, st in [(1, 10, 100, "succeeded"), (2, 40, 400, "succeeded"), (3, 20, 0, "failed")]
    ]  # oldest first; the queued run is not drawn
    heights = [float(h) for h, _t in bars]
    assert heights[1] == PLOT_H and heights[0] == PLOT_H / 4 and heights[2] == PLOT_H / 2
    assert len(re.findall(r"<circle ", svg)) == 3 and "400 rows" in svg and "40.0 s" in svg
    assert "<script" not in page.html.split("<main>", 1)[1]

    run_page = user.get("/runs/2")
    assert re.search(r'id="wait">waited 3\.0 s</span> after it was due', run_page.html)


def test_no_chart_before_the_first_run_ends(user: Browser) -> None:
    with session_scope() as session:
        [workspace] = session.exec(select(Workspace)).all()
        exporter_id = factories.exporter(session, workspace.id, name="New").id
    assert "<svg" not in user.get(f"/exporters/{exporter_id}").html
