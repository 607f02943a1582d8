"""The OpenAPI document and the reference page need no token; the page's assets are served by us."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def test_openapi_document_is_public_with_examples(api: FlaskClient) -> None:
    answer = api.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = answer.get_json()
    assert document["openapi"].startswith("3.1")
    schemas = document["components"]["schemas"]
    assert schemas["ExporterOut"]["example"]["schedule"] == {
        "cron": "0 7 * * 1-5",
        "timezone": "America/New_York",
    }
    assert {"ExporterDefinition", "ScheduleSpec", "RunOut", "ErrorBody"} <= set(schemas)
    assert all(
        "example" in schemas[name] for name in ("CompanyOut", "GoogleAccountOut", "SourceOut", "RunOut")
    )
    create = document["paths"]["/api/v1/exporters"]["post"]
    assert {"201", "409", "422"} <= set(create["responses"]) and create["security"] == [{"bearer": []}]


def test_reference_page_runs_under_the_csp_from_our_own_files(api: FlaskClient) -> None:
    page = api.get("/api/v1/docs")
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp
    html = page.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources)  # no CDN
    for source in sources:
        assert api.get(source).status_code == 200, source
