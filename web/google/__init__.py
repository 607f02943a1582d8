"""Google pages."""

from flask import Blueprint

bp = Blueprint("google", __name__, url_prefix="/google")

from web.google import routes  # noqa: E402, F401
