"""Drive v3 permissions.update: role changes and the two-step ownership transfer of consumer accounts.

The owner marks a writer `pendingOwner`; only that user can then take `role: owner` (with
`transferOwnership=true`). Anything else asking for `owner` is Google's consent 403.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from emulators.google.drive import (
    ROLES,
    DriveError,
    backend,
    caller,
    file_for_caller,
    grantee,
    permission_resource,
    transfer_not_enabled,
)

blueprint = Blueprint("drive_ownership", __name__, url_prefix="/drive/v3/files")

CONSENT = "Consent is required to transfer ownership of a file to another user."


@blueprint.patch("/<file_id>/permissions/<permission_id>")
def update_permission(file_id: str, permission_id: str) -> Response:
    email = caller().email.lower()
    meta = file_for_caller(file_id)
    target = grantee(meta, permission_id)
    body = request.get_json(silent=True) or {}
    role = body.get("role") or meta.permissions[target]
    if role not in ROLES:
        raise DriveError(400, f"The provided permission role is invalid: {role}.", "invalid")
    if role == "owner":
        if request.args.get("transferOwnership", "").lower() != "true":
            raise transfer_not_enabled()
        if email != target or meta.pending_owner != target:
            raise DriveError(403, CONSENT, "consentRequiredForOwnershipTransfer")
        backend().share(meta, target, "owner")
        return jsonify(permission_resource(target, "owner"))
    file_for_caller(file_id, "owner" if "pendingOwner" in body else "writer")
    backend().share(meta, target, role)
    if "pendingOwner" in body:
        backend().offer_ownership(meta, target if body["pendingOwner"] else None)
    return jsonify(permission_resource(target, role, meta.pending_owner == target))
