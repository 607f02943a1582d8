"""The WHERE box tried on QuickBooks before saving: one COUNT query on the first chosen company.

The definition's own check (exporters.filters.validate_where) knows the grammar and the source's fields;
QuickBooks also knows the types (a boolean compared with text, a date that is not one). When QuickBooks
can't be asked (no usable company, not reachable) saving goes on: the run will report it.
"""

from __future__ import annotations

import logging
from typing import Any

from redis import Redis

from connections.clients import qbo_client_for
from exporters.sources.base import RunContext
from qbo.errors import QboError, QboFault
from store.documents import ExporterOptions
from store.models import Company
from store.settings import get_settings

log = logging.getLogger(__name__)


def qbo_refusal(company: Company | None, source: Any, options: ExporterOptions, time_zone: str) -> str | None:
    """QuickBooks' reason for refusing the exporter's filters; None when it accepts them or can't be asked."""
    if company is None or not options.where:
        return None
    try:
        client = qbo_client_for(
            company, Redis.from_url(get_settings().redis_url), max_wait_seconds=2.0, tries=2
        )
        client.count(source.entity, source.where(options, RunContext(time_zone=time_zone)))
    except QboFault as exc:
        if not str(exc.code).startswith("4") or len(str(exc.code)) != 4:  # 4000-4999: the query itself
            log.info("QuickBooks answered fault %s trying the WHERE box; saving anyway", exc.code)
            return None
        detail = exc.detail if exc.detail and exc.detail != exc.fault_message else ""
        return f"{exc.fault_message} ({detail})" if detail else exc.fault_message
    except QboError as exc:
        log.info("could not try the WHERE box on company %s: %s", company.id, type(exc).__name__)
    return None
