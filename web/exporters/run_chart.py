"""The run history chart on an exporter's page: duration (bars) and rows (line) of its recent runs, as
an SVG drawn on the server (no script, no CDN; presentation attributes only, so the CSP's style rules
don't apply)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from store.models import Run, RunStatus

WIDTH, HEIGHT = 640, 170
LEFT, RIGHT, TOP, BOTTOM = 56, 64, 12, 22
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
RUNS_SHOWN = 30
COLOURS = {RunStatus.SUCCEEDED: "#3f8f5a", RunStatus.FAILED: "#c0392b"}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str  # the browser's tooltip


@dataclass(frozen=True)
class RunChart:
    bars: list[Bar]
    rows_line: str  # the polyline's points
    rows_dots: list[tuple[float, float]]
    longest: float  # seconds at the top of the left axis
    most_rows: int  # rows at the top of the right axis
    label: str  # for screen readers

    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    plot_w: int = PLOT_W
    plot_h: int = PLOT_H


def _seconds(run: Run) -> float:
    return run.duration_seconds or 0.0


def run_chart(runs: Sequence[Run]) -> RunChart | None:
    """The chart of the finished runs among `runs` (newest first, as the page lists them), oldest on the
    left; None when none has finished yet."""
    finished = [r for r in runs if r.status in COLOURS and r.finished_at is not None][:RUNS_SHOWN][::-1]
    if not finished:
        return None
    longest = max(max(_seconds(r) for r in finished), 1.0)
    most_rows = max(max(r.rows for r in finished), 1)
    slot = PLOT_W / len(finished)
    bars, dots = [], []
    for i, run in enumerate(finished):
        height = _seconds(run) / longest * PLOT_H
        x = LEFT + i * slot
        title = f"Run #{run.id}: {_seconds(run):.1f} s, {run.rows:,} rows, {run.status}"
        bars.append(Bar(round(x + slot * 0.15, 1), round(TOP + PLOT_H - height, 1), round(slot * 0.7, 1),
                        round(height, 1), COLOURS[RunStatus(run.status)], title))  # fmt: skip
        dots.append((round(x + slot / 2, 1), round(TOP + PLOT_H - run.rows / most_rows * PLOT_H, 1)))
    failed = sum(r.status == RunStatus.FAILED for r in finished)
    label = (
        f"The last {len(finished)} runs: longest {longest:.1f} s, most rows {most_rows:,}, {failed} failed"
    )
    return RunChart(bars, " ".join(f"{x},{y}" for x, y in dots), dots, longest, most_rows, label)
