"""Drive v3 comments on a file: list (with the `fields` Drive insists on) and create."""

from __future__ import annotations

import secrets

from flask import Blueprint, Response, jsonify, request

from emulators.google.drive import DriveError, backend, caller, file_for_caller, parse_fields, project
from emulators.google.persistence import rfc3339

blueprint = Blueprint("drive_comments", __name__, url_prefix="/drive/v3/files")


def _fields_required() -> dict:
    fields = request.args.get("fields")
    if not fields:
        raise DriveError(
            400,
            "The 'fields' parameter is required for this method.",
            "required",
            location="fields",
            locationType="parameter",
        )
    return parse_fields(fields)


@blueprint.get("/<file_id>/comments")
def list_comments(file_id: str) -> Response:
    tree = _fields_required()
    meta = file_for_caller(file_id)
    size = min(max(int(request.args.get("pageSize", 20)), 1), 100)
    start = int(request.args.get("pageToken") or 0)
    body: dict = {"kind": "drive#commentList", "comments": meta.comments[start : start + size]}
    if start + size < len(meta.comments):
        body["nextPageToken"] = str(start + size)
    return jsonify(project(body, tree))


@blueprint.post("/<file_id>/comments")
def create_comment(file_id: str) -> Response:
    tree = _fields_required()
    principal = caller()
    meta = file_for_caller(file_id, "commenter")
    body = request.get_json(silent=True) or {}
    if not body.get("content"):
        raise DriveError(400, "The content field is required.", "required")
    now = rfc3339(backend().clock.now())
    comment = {
        "kind": "drive#comment",
        "id": secrets.token_urlsafe(8),
        "createdTime": now,
        "modifiedTime": now,
        "author": {"kind": "drive#user", "displayName": principal.email, "me": True},
        "content": body["content"],
        "htmlContent": body["content"],
        "deleted": False,
        "resolved": False,
        "replies": [],
    }
    if body.get("anchor"):
        comment["anchor"] = body["anchor"]
    backend().add_comment(meta, comment)
    return jsonify(project(comment, tree))
