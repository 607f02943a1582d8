"""Run history and run detail (auto-refreshing while queued or running)."""

from flask import Blueprint

bp = Blueprint("runs", __name__, url_prefix="/runs")

from web.runs import routes  # noqa: E402, F401
