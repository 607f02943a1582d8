"""The add-on's deployment resource (gsuiteaddons.googleapis.com) for this backend's PUBLIC_URL: what
`sheetbooks addon deployment` prints for `gcloud workspace-add-ons deployments create/replace`.

Every runFunction is an absolute URL under PUBLIC_URL, exactly as web.addon.verify rebuilds the audience
of the system ID token."""

from __future__ import annotations

from typing import Any

from store.settings import Settings

NAME = "Sheetbooks"
SCOPES = [
    "https://www.googleapis.com/auth/userinfo.email",  # the user ID token (who is asking)
    "https://www.googleapis.com/auth/drive.file",  # the open spreadsheet's id, once granted
    "https://www.googleapis.com/auth/script.locale",  # the user's locale and time zone
]


def deployment_resource(settings: Settings) -> dict[str, Any]:
    base = settings.public_url.rstrip("/")
    return {
        "oauthScopes": SCOPES,
        "addOns": {
            "common": {
                "name": NAME,
                "logoUrl": f"{base}/static/addon-logo.png",
                "layoutProperties": {"primaryColor": "#188038"},
                "useLocaleFromApp": True,
                "homepageTrigger": {"runFunction": f"{base}/addon/homepage", "enabled": True},
                "universalActions": [{"label": "Open Sheetbooks", "openLink": f"{base}/"}],
                "openLinkUrlPrefixes": [f"{base}/"],
            },
            "sheets": {
                "homepageTrigger": {"runFunction": f"{base}/addon/sheets/homepage"},
                "onFileScopeGrantedTrigger": {"runFunction": f"{base}/addon/sheets/granted"},
            },
            "httpOptions": {
                "authorizationHeader": "SYSTEM_ID_TOKEN",
                "granularOauthPermissionSupport": "OPT_IN",
            },
        },
    }
