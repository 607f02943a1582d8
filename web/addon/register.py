"""Create (or replace) and install the add-on's deployment through the Google Workspace add-ons API, and
read the project's add-on authorization: what `gcloud workspace-add-ons deployments create`, `install` and
`get-authorization` do. The demo and the tests run it against the Google emulator; production follows the
README's gcloud steps."""

from __future__ import annotations

from dataclasses import dataclass

import requests

from store.settings import Settings
from web.addon.deployment import deployment_resource


@dataclass(frozen=True)
class AddonAuthorization:
    """get-authorization's answer: the backend's ADDON_SERVICE_ACCOUNT_EMAIL and ADDON_OAUTH_CLIENT_ID."""

    service_account_email: str
    oauth_client_id: str

    def settings_of(self, settings: Settings) -> Settings:
        return settings.with_overrides(
            addon_service_account_email=self.service_account_email, addon_oauth_client_id=self.oauth_client_id
        )


def register_deployment(
    settings: Settings, project: str, deployment_id: str, access_token: str
) -> AddonAuthorization:
    """Create the deployment for settings.public_url (replace it when it exists), install it for the
    token's user, and return the project's add-on authorization."""
    api = f"{settings.google_addons_api_base.rstrip('/')}/v1/projects/{project}"
    headers = {"Authorization": f"Bearer {access_token}"}
    body = deployment_resource(settings)
    created = requests.post(
        f"{api}/deployments", params={"deploymentId": deployment_id}, json=body, headers=headers, timeout=30
    )
    if created.status_code == 409:
        created = requests.put(f"{api}/deployments/{deployment_id}", json=body, headers=headers, timeout=30)
    created.raise_for_status()
    requests.post(
        f"{api}/deployments/{deployment_id}:install", headers=headers, timeout=30
    ).raise_for_status()
    answer = requests.get(f"{api}/authorization", headers=headers, timeout=30)
    answer.raise_for_status()
    data = answer.json()
    return AddonAuthorization(data["serviceAccountEmail"], data["oauthClientId"])
