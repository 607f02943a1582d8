"""Sign up, log in, log out, password reset, the demo outbox."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from web.auth import routes  # noqa: E402, F401
