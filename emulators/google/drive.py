"""Drive v3 files and permissions, as gspread uses them (§1.1): create, list with `q`, get, delete, share."""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, jsonify, request

from emulators.google.backend import SPREADSHEET_MIME, DriveFile
from emulators.google.errors import ApiError
from emulators.google.persistence import rfc3339
from emulators.google.tokens import subject

blueprint = Blueprint("drive", __name__, url_prefix="/drive/v3/files")

ROLES = ("reader", "commenter", "writer", "owner")
DEFAULT_FILE_FIELDS = "kind,id,name,mimeType"
SA_NO_QUOTA = (
    "Service Accounts do not have storage quota. Leverage shared drives "
    "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), "
    "or use OAuth delegation (http://support.google.com/a/answer/7281227) instead."
)


class DriveError(ApiError):
    """A Drive v3 error: `{"error": {"code", "message", "errors": [{"domain", "reason", ...}]}}`."""

    def __init__(self, code: int, message: str, reason: str, domain: str = "global", **extra: str) -> None:
        super().__init__(code, message, "")
        self.item = {"message": message, "domain": domain, "reason": reason, **extra}

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "errors": [self.item]}}


def file_not_found(file_id: str) -> DriveError:
    return DriveError(
        404, f"File not found: {file_id}.", "notFound", location="fileId", locationType="parameter"
    )


def backend():
    return current_app.extensions["google_emulator"]


def caller():
    return backend().current_principal()


def file_resource(meta: DriveFile, email: str) -> dict:
    """The full Drive file resource (then cut down by `fields`)."""
    return {
        "kind": "drive#file",
        "id": meta.id,
        "name": meta.name,
        "mimeType": meta.mime_type,
        "parents": meta.parents,
        "createdTime": rfc3339(meta.created),
        "modifiedTime": rfc3339(meta.modified),
        "owners": [{"kind": "drive#user", "emailAddress": meta.owner, "me": meta.owner == email.lower()}],
        "ownedByMe": meta.owner == email.lower(),
        "trashed": False,
        "webViewLink": f"{backend().base_url()}/spreadsheets/d/{meta.id}/edit",
    }


def parse_fields(fields: str) -> dict:
    """`kind,files(id,name)` -> {"kind": {}, "files": {"id": {}, "name": {}}}; `*` selects all."""
    tree: dict = {}
    stack, last = [tree], tree
    for token in re.findall(r"[^,()\s]+|[(),]", fields):
        if token == "(":
            stack.append(last)
        elif token == ")":
            stack.pop()
        elif token != ",":
            last = stack[-1]
            for part in re.split(r"[/.]", token):
                last = last.setdefault(part, {})
    return tree


def project(data: object, tree: dict) -> object:
    """Keep only the selected fields of `data` (lists are projected item by item)."""
    if not tree or "*" in tree:
        return data
    if isinstance(data, list):
        return [project(item, tree) for item in data]
    if isinstance(data, dict):
        return {k: project(data[k], sub) for k, sub in tree.items() if k in data}
    return data


_CLAUSE = re.compile(
    r"""\s*(?:
      (?P<field>\w+)\s*(?P<op>=|!=|\bcontains\b)\s*(?P<q1>['"])(?P<value>(?:\\.|(?!(?P=q1)).)*)(?P=q1)
    | (?P<q2>['"])(?P<parent>(?:\\.|(?!(?P=q2)).)*)(?P=q2)\s+in\s+parents
    | parents\s+in\s+(?P<q3>['"])(?P<parent2>(?:\\.|(?!(?P=q3)).)*)(?P=q3)
    | trashed\s*=\s*(?P<trashed>true|false)
    )\s*(?:\band\b|$)""",
    re.X | re.I,
)


def parse_query(q: str) -> list:
    """Drive `q` clauses joined by `and`: `field = 'v'`, `!=`, `contains`, `'id' in parents`, `trashed`."""
    q, clauses, pos = q.strip(), [], 0
    while pos < len(q):
        match = _CLAUSE.match(q, pos)
        if match is None:
            raise DriveError(400, "Invalid Value", "invalid", location="q", locationType="parameter")
        pos = match.end()
        unescape = re.compile(r"\\(.)")
        if match["field"]:
            clauses.append((match["field"], match["op"].lower(), unescape.sub(r"\1", match["value"])))
        elif match["parent"] is not None or match["parent2"] is not None:
            clauses.append(
                ("parents", "in", match["parent"] if match["parent"] is not None else match["parent2"])
            )
        else:
            clauses.append(("trashed", "=", match["trashed"].lower()))
    return clauses


def matches(meta: DriveFile, clauses: list) -> bool:
    values = {"name": meta.name, "mimeType": meta.mime_type, "trashed": "false"}
    for name, op, value in clauses:
        if name == "parents":
            ok = value in meta.parents
        elif name not in values:
            raise DriveError(400, "Invalid Value", "invalid", location="q", locationType="parameter")
        elif op == "contains":
            ok = value.lower() in values[name].lower()
        else:
            ok = (values[name] == value) == (op == "=")
        if not ok:
            return False
    return True


_ORDER = {"createdTime": "created", "modifiedTime": "modified", "name": "name"}


def _sorted(files: list[DriveFile], order_by: str) -> list[DriveFile]:
    files = sorted(files, key=lambda f: (f.created, f.id))
    for part in reversed([p.strip() for p in order_by.split(",") if p.strip()]):
        key, _, direction = part.partition(" ")
        if key in _ORDER:
            files.sort(key=lambda f, a=_ORDER[key]: getattr(f, a), reverse=direction.lower() == "desc")
    return files


@blueprint.get("")
def list_files() -> Response:
    email = caller().email
    clauses = parse_query(request.args.get("q", ""))
    files = _sorted(
        [f for f in backend().visible_files(email) if matches(f, clauses)], request.args.get("orderBy", "")
    )
    size = min(max(int(request.args.get("pageSize", 100)), 1), 1000)
    start = int(request.args.get("pageToken") or 0)
    page = files[start : start + size]
    body: dict = {"kind": "drive#fileList", "incompleteSearch": False}
    if start + size < len(files):
        body["nextPageToken"] = str(start + size)
    body["files"] = [file_resource(f, email) for f in page]
    fields = request.args.get("fields")
    tree = (
        parse_fields(fields)
        if fields
        else {
            **parse_fields("kind,nextPageToken,incompleteSearch"),
            "files": parse_fields(DEFAULT_FILE_FIELDS),
        }
    )
    return jsonify(project(body, tree))


@blueprint.post("")
def create_file() -> Response:
    principal = caller()
    body = request.get_json(silent=True) or {}
    if principal.is_service_account:
        raise DriveError(403, SA_NO_QUOTA, "storageQuotaExceeded", domain="usageLimits")
    name, mime = body.get("name") or "Untitled", body.get("mimeType") or "application/octet-stream"
    emulator = backend()
    if mime == SPREADSHEET_MIME:
        spreadsheet = emulator.new_spreadsheet(principal.email, name, {}, body.get("parents"))
        meta = emulator.files[spreadsheet.spreadsheet_id]
    else:
        meta = emulator.add_file(principal.email, name, mime, body.get("parents") or [])
    return jsonify(
        project(
            file_resource(meta, principal.email),
            parse_fields(request.args.get("fields") or DEFAULT_FILE_FIELDS),
        )
    )


def file_for_caller(file_id: str, role: str = "reader") -> DriveFile:
    """The file if the caller can see it (404 otherwise) and has `role` (403 otherwise)."""
    email = caller().email
    emulator = backend()
    meta = emulator.file_for(file_id, email, "reader")
    if meta is None:
        raise file_not_found(file_id)
    if emulator.file_for(file_id, email, role) is None:
        raise DriveError(
            403, "The user does not have sufficient permissions for this file.", "insufficientFilePermissions"
        )
    return meta


@blueprint.get("/<file_id>")
def get_file(file_id: str) -> Response:
    meta = file_for_caller(file_id)
    fields = parse_fields(request.args.get("fields") or DEFAULT_FILE_FIELDS)
    return jsonify(project(file_resource(meta, caller().email), fields))


@blueprint.patch("/<file_id>")
def update_file(file_id: str) -> Response:
    meta = file_for_caller(file_id, "writer")
    backend().update_file(meta, name=(request.get_json(silent=True) or {}).get("name"))
    fields = parse_fields(request.args.get("fields") or DEFAULT_FILE_FIELDS)
    return jsonify(project(file_resource(meta, caller().email), fields))


@blueprint.delete("/<file_id>")
def delete_file(file_id: str) -> Response:
    backend().delete_file(file_for_caller(file_id, "owner").id)
    return Response("", 204, content_type="text/html")


def transfer_not_enabled() -> DriveError:
    return DriveError(
        403,
        "The transferOwnership parameter must be enabled when the permission role is 'owner'.",
        "forbidden",
    )


def permission_resource(email: str, role: str, pending: bool = False) -> dict:
    kind = "anyone" if email == "anyone" else "user"
    resource = {
        "kind": "drive#permission",
        "id": "anyoneWithLink" if kind == "anyone" else subject(email),
        "type": kind,
        "role": role,
    }
    if kind == "user":
        resource["emailAddress"] = email
    if pending:
        resource["pendingOwner"] = True
    return resource


@blueprint.post("/<file_id>/permissions")
def create_permission(file_id: str) -> Response:
    body = request.get_json(silent=True) or {}
    role, kind = body.get("role"), body.get("type", "user")
    if role not in ROLES or kind not in ("user", "anyone"):
        raise DriveError(400, f"The provided permission role or type is invalid: {role}/{kind}.", "invalid")
    meta = file_for_caller(file_id, "owner" if role == "owner" else "writer")
    email = "anyone" if kind == "anyone" else (body.get("emailAddress") or "").lower()
    if not email:
        raise DriveError(400, "The permission type field is required.", "required")
    if role == "owner" and request.args.get("transferOwnership", "").lower() != "true":
        raise transfer_not_enabled()
    backend().share(meta, email, role)
    return jsonify(permission_resource(email, role))


@blueprint.get("/<file_id>/permissions")
def list_permissions(file_id: str) -> Response:
    meta = file_for_caller(file_id)
    permissions = [permission_resource(meta.owner, "owner")]
    permissions += [
        permission_resource(email, role, email == meta.pending_owner)
        for email, role in meta.permissions.items()
    ]
    return jsonify({"kind": "drive#permissionList", "permissions": permissions})


@blueprint.delete("/<file_id>/permissions/<permission_id>")
def delete_permission(file_id: str, permission_id: str) -> Response:
    meta = file_for_caller(file_id, "writer")
    backend().unshare(meta, grantee(meta, permission_id))
    return Response("", 204, content_type="text/html")


def grantee(meta: DriveFile, permission_id: str) -> str:
    """The email a shared permission id stands for (Drive's 404 when there is none)."""
    for email in meta.permissions:
        if permission_resource(email, "")["id"] == permission_id:
            return email
    raise DriveError(
        404,
        f"Permission not found: {permission_id}.",
        "notFound",
        location="permissionId",
        locationType="parameter",
    )
