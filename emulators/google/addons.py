"""The Google Workspace add-ons API (gsuiteaddons.googleapis.com) at the emulator's root: HTTP deployments
(create, replace, get, install, uninstall) and the project's add-on authorization.

A deployment is stored as sent (its `addOns` and `oauthScopes`), named `projects/<number>/deployments/<id>`;
installing it is per caller, as `gcloud workspace-add-ons deployments install` does for an unpublished one.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, jsonify, request

from emulators.google.errors import ApiError, invalid_argument, not_found, permission_denied, unauthenticated
from emulators.google.persistence import Records

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

blueprint = Blueprint("addons", __name__)


@dataclass(frozen=True)
class Authorization:
    """What `get-authorization` answers: who signs the system ID tokens and the users' ID tokens' audience."""

    name: str
    service_account_email: str
    oauth_client_id: str

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "serviceAccountEmail": self.service_account_email,
            "oauthClientId": self.oauth_client_id,
        }


def authorization(config: dict) -> Authorization:
    number = str(config["PROJECT_NUMBER"])
    return Authorization(
        f"projects/{number}/authorization",
        f"service-{number}@gcp-sa-gsuiteaddons.iam.gserviceaccount.com",
        str(config["ADDON_OAUTH_CLIENT_ID"]),
    )


class AddonStore:
    """Deployments by name, who installed which, and which user granted which add-on which file."""

    def __init__(self, records: Records) -> None:
        self._lock = threading.Lock()
        self._records = records
        self.deployments: dict[str, dict] = records.all("addon_deployment")
        self._installs = set(records.all("addon_install"))
        self._grants = set(records.all("addon_file_grant"))

    def put(self, deployment: dict) -> None:
        with self._lock:
            self.deployments[deployment["name"]] = deployment
        self._records.put("addon_deployment", deployment["name"], deployment)

    def get(self, name: str) -> dict | None:
        with self._lock:
            return self.deployments.get(name)

    def find(self, deployment_id: str) -> dict | None:
        """A deployment by its full name or by the id the caller chose."""
        with self._lock:
            found = self.deployments.get(deployment_id)
            if found is None:
                found = next(
                    (d for n, d in self.deployments.items() if n.rsplit("/", 1)[-1] == deployment_id), None
                )
            return found

    def install(self, email: str, name: str, installed: bool = True) -> None:
        key = f"{email.lower()}|{name}"
        with self._lock:
            (self._installs.add if installed else self._installs.discard)(key)
        if installed:
            self._records.put("addon_install", key, {})
        else:
            self._records.delete("addon_install", key)

    def installed_for(self, email: str) -> list[dict]:
        with self._lock:
            names = [key.split("|", 1)[1] for key in self._installs if key.split("|", 1)[0] == email.lower()]
            return [self.deployments[n] for n in sorted(names) if n in self.deployments]

    def grant_file(self, email: str, name: str, file_id: str) -> None:
        key = f"{email.lower()}|{name}|{file_id}"
        with self._lock:
            self._grants.add(key)
        self._records.put("addon_file_grant", key, {})

    def has_file(self, email: str, name: str, file_id: str) -> bool:
        with self._lock:
            return f"{email.lower()}|{name}|{file_id}" in self._grants


def _store() -> AddonStore:
    return current_app.extensions["google_emulator"].addons


def _number(project: str) -> str:
    """The project's number, when `project` is this emulator's project (by id or number)."""
    config = current_app.config
    if project not in (str(config["PROJECT_ID"]), str(config["PROJECT_NUMBER"])):
        raise permission_denied()
    return str(config["PROJECT_NUMBER"])


def _caller() -> str:
    """The caller's email; the Add-ons API takes a cloud-platform access token."""
    principal = current_app.extensions["google_emulator"].bearer_principal()
    if principal is None:
        raise unauthenticated()
    if CLOUD_PLATFORM not in principal.scopes:
        raise ApiError(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED")
    return principal.email


def _checked_url(url: object, where: str) -> str:
    parts = urlsplit(str(url or ""))
    loopback_http = parts.scheme == "http" and parts.hostname in LOOPBACK
    if not parts.netloc or not (parts.scheme == "https" or loopback_http):
        raise invalid_argument(f"{where} must be an absolute https URL, not {url!r}")
    return str(url)


def _validated(body: object, name: str) -> dict:
    """The deployment as stored, after the checks Google makes (a name, a logo, absolute function URLs)."""
    if not isinstance(body, dict):
        raise invalid_argument("The request body must be a Deployment object.")
    addons = body.get("addOns") or {}
    common = addons.get("common") or {}
    if not common.get("name"):
        raise invalid_argument("addOns.common.name is required.")
    for trigger in ("homepageTrigger",):
        if (common.get(trigger) or {}).get("runFunction"):
            _checked_url(common[trigger]["runFunction"], f"addOns.common.{trigger}.runFunction")
    for trigger in ("homepageTrigger", "onFileScopeGrantedTrigger"):
        run = ((addons.get("sheets") or {}).get(trigger) or {}).get("runFunction")
        if run:
            _checked_url(run, f"addOns.sheets.{trigger}.runFunction")
    scopes = body.get("oauthScopes") or []
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise invalid_argument("oauthScopes must be a list of scope URLs.")
    stored = {"name": name, "oauthScopes": scopes, "addOns": addons}
    stored["etag"] = '"' + hashlib.sha256(json.dumps(stored, sort_keys=True).encode()).hexdigest()[:16] + '"'
    return stored


@blueprint.post("/v1/projects/<project>/deployments")
def create_deployment(project: str) -> Response:
    _caller()
    deployment_id = request.args.get("deploymentId", "")
    if not deployment_id or "/" in deployment_id:
        raise invalid_argument("deploymentId is required.")
    name = f"projects/{_number(project)}/deployments/{deployment_id}"
    if _store().get(name) is not None:
        raise ApiError(409, f"Deployment {name} already exists.", "ALREADY_EXISTS")
    deployment = _validated(request.get_json(silent=True), name)
    _store().put(deployment)
    return jsonify(deployment)


@blueprint.put("/v1/projects/<project>/deployments/<deployment_id>")
def replace_deployment(project: str, deployment_id: str) -> Response:
    _caller()
    name = f"projects/{_number(project)}/deployments/{deployment_id}"
    deployment = _validated(request.get_json(silent=True), name)
    _store().put(deployment)
    return jsonify(deployment)


@blueprint.get("/v1/projects/<project>/deployments/<deployment_id>")
def get_deployment(project: str, deployment_id: str) -> Response:
    _caller()
    deployment = _store().get(f"projects/{_number(project)}/deployments/{deployment_id}")
    if deployment is None:
        raise not_found()
    return jsonify(deployment)


@blueprint.post("/v1/projects/<project>/deployments/<verb_call>")
def install_deployment(project: str, verb_call: str) -> Response:
    """`…/deployments/ID:install` and `:uninstall`: for the caller only (an unpublished deployment)."""
    email = _caller()
    deployment_id, _, verb = verb_call.rpartition(":")
    name = f"projects/{_number(project)}/deployments/{deployment_id}"
    if verb not in ("install", "uninstall") or _store().get(name) is None:
        raise not_found()
    _store().install(email, name, installed=verb == "install")
    return jsonify({})


@blueprint.get("/v1/projects/<project>/authorization")
def get_authorization(project: str) -> Response:
    _caller()
    _number(project)
    return jsonify(authorization(current_app.config).to_dict())
