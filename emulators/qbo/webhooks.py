"""Signed webhook notifications (legacy or CloudEvents) sent from a background thread."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import queue
import threading
import uuid
from datetime import UTC, datetime

import requests

from emulators.qbo.api.values import as_datetime
from emulators.qbo.company import Change

ACTIONS = {"Create": "created", "Update": "updated", "Delete": "deleted"}
RETRY_DELAYS = (1.0, 2.0, 4.0)  # seconds between attempts; then the notification is dropped
TIMEOUT = 3.0


def signature(body: bytes, verifier: str) -> str:
    """The `intuit-signature` header: base64(HMAC-SHA256(verifier, raw body))."""
    return base64.b64encode(hmac.new(verifier.encode(), body, hashlib.sha256).digest()).decode()


def _utc(stamp: str) -> str:
    moment = as_datetime(stamp) or datetime.now(UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def legacy_payload(change: Change) -> dict:
    entity = {
        "name": change.entity,
        "id": change.entity_id,
        "operation": change.operation,
        "lastUpdated": _utc(change.body["MetaData"]["LastUpdatedTime"]),
    }
    return {"eventNotifications": [{"realmId": change.realm_id, "dataChangeEvent": {"entities": [entity]}}]}


def cloudevents_payload(change: Change) -> list[dict]:
    source = base64.b64encode(hashlib.sha256(change.realm_id.encode()).digest()).decode()
    return [
        {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": f"intuit.{source}",
            "type": f"qbo.{change.entity.lower()}.{ACTIONS[change.operation]}.v1",
            "datacontenttype": "application/json",
            "time": _utc(change.body["MetaData"]["LastUpdatedTime"]),
            "intuitentityid": change.entity_id,
            "intuitaccountid": change.realm_id,
            "data": {},
        }
    ]


class WebhookSender:
    """Queues one notification per change and delivers it with bounded retries."""

    def __init__(self, url: str | None, verifier: str, fmt: str) -> None:
        self.url = url
        self.verifier = verifier
        self.format = fmt
        self.deliveries: list[dict] = []
        self._queue: queue.Queue[tuple[str, bytes, str]] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def notify(self, change: Change) -> None:
        """Listener for Company changes (admin edits); a no-op without a webhook URL."""
        if not self.url:
            return
        if self.format == "legacy":
            body, content_type = json.dumps(legacy_payload(change)).encode(), "application/json"
        else:
            body, content_type = (
                json.dumps(cloudevents_payload(change)).encode(),
                "application/cloudevents+json",
            )
        self._queue.put((self.url, body, content_type))
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="qbo-webhooks", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            url, body, content_type = self._queue.get()
            self._deliver(url, body, content_type)

    def _deliver(self, url: str, body: bytes, content_type: str) -> None:
        headers = {"Content-Type": content_type, "intuit-signature": signature(body, self.verifier)}
        record: dict = {"url": url, "body": body.decode(), "attempts": 0, "status": None}
        self.deliveries.append(record)
        for delay in (0.0, *RETRY_DELAYS):
            if delay and self._stop.wait(delay):
                return
            record["attempts"] += 1
            try:
                response = requests.post(url, data=body, headers=headers, timeout=TIMEOUT)
                record["status"] = response.status_code
                if response.status_code == 200:
                    return
            except requests.RequestException as error:
                record["status"] = type(error).__name__
