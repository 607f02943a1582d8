"""The overview: what needs attention in the workspace."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from web.home import routes  # noqa: E402, F401
