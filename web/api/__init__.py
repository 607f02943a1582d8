"""/api/v1: the JSON API for the Sheets add-on, scripts and automation (design.md, Decision 10).

Thin views over the service layer (exporters.definition, store.listing, exporters.switch,
workers.enqueue, connections): the API validates and saves exporters with the same functions as the
dashboard. flask-openapi3 validates paths, queries and bodies with the pydantic models of
`web.api.schemas` and builds the OpenAPI 3.1 document from the same models (`web.api.docs`).
"""

from __future__ import annotations

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from flask_openapi3.types import ResponseDict

from web.api.problems import ApiError, answer, malformed_body
from web.api.schemas import ErrorBody

COMMON_ANSWERS: ResponseDict = {
    400: ErrorBody,
    401: ErrorBody,
    404: ErrorBody,
    422: ErrorBody,
    429: ErrorBody,
}

api = APIBlueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    abp_security=[{"bearer": []}],
    abp_responses=COMMON_ANSWERS,
    operation_id_callback=lambda name, path, method: name,  # the view's name: createExporter-like ids
)
TAGS = {
    name: Tag(name=name, description=text)
    for name, text in {
        "companies": "Connected QuickBooks companies",
        "google accounts": "Connected Google accounts",
        "sources": "What an exporter can read: entity lists and reports, their options and columns",
        "exporters": "Create, change, pause and read exporters (validated as the dashboard validates)",
        "runs": "Trigger, follow and cancel runs",
    }.items()
}


@api.before_request
def _check() -> Response | None:
    from web.api.auth import authenticate

    authenticate()
    problem = malformed_body()
    return answer(problem) if problem is not None else None


api.register_error_handler(ApiError, answer)

from web.api import connections, exporters, runs  # noqa: E402,F401  (the views register themselves)
