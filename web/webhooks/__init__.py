"""Webhooks pages."""

from flask import Blueprint

from web.extensions import csrf

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
csrf.exempt(bp)  # signed by the sender (HMAC of the body), not by a browser's form token

from web.webhooks import routes  # noqa: E402, F401
