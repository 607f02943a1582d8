"""Workspace members, invite links, switching workspace."""

from flask import Blueprint

bp = Blueprint("workspaces", __name__, url_prefix="/workspace")

from web.workspaces import api_tokens, routes  # noqa: E402, F401
