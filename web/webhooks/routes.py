"""`POST /webhooks/intuit`: a signed delivery is acknowledged at once and processed by a job."""

from __future__ import annotations

import logging

from flask import request

from qbo.webhooks import MAX_DEPTH, nesting_depth, signature_ok
from store.settings import get_settings
from web.webhooks import bp
from workers.webhooks import submit_delivery

log = logging.getLogger(__name__)


@bp.post("/intuit")
def intuit() -> tuple[dict[str, str], int]:
    """401 unsigned, 400 nested deeper than any Intuit payload, else 200 once the job is queued (Redis
    down: 503, and Intuit retries the delivery)."""
    body = request.get_data(cache=False)
    if not signature_ok(body, request.headers.get("intuit-signature"), get_settings().qbo_webhook_verifier):
        return {"error": "bad signature"}, 401
    if nesting_depth(body) > MAX_DEPTH:
        return {"error": f"the JSON nests deeper than {MAX_DEPTH} levels"}, 400
    job = submit_delivery(body)
    log.info("intuit webhook: %d bytes queued as job %s", len(body), job.id)
    return {"status": "accepted"}, 200
