"""How entity sources ask QBO for their objects: every custom field when the columns need them.

The paging itself (one loop, and why full pulls page by Id and changed objects by LastUpdatedTime) is
`QboClient.query` with a strategy of `qbo.paging`.
"""

from __future__ import annotations

from collections.abc import Sequence

from exporters.columns import CUSTOM_PREFIX

ALL_CUSTOM_FIELDS = {"include": "enhancedAllCustomFields"}


def query_params(keys: Sequence[str] | None) -> dict[str, str] | None:
    """The query request's parameters for these columns: QBO returns enhanced custom fields only when
    asked with `include=enhancedAllCustomFields`."""
    wanted = keys is not None and any(k.startswith(CUSTOM_PREFIX) for k in keys)
    return ALL_CUSTOM_FIELDS if wanted else None
