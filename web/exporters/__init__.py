"""Exporters pages."""

from flask import Blueprint

bp = Blueprint("exporters", __name__, url_prefix="/exporters")

from web.exporters import routes  # noqa: E402, F401
