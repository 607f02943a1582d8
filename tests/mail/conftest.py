"""Fixtures for the mail tests: a real SMTP server, settings that send through it, a burst RQ worker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from redis import Redis
from rq import Queue, Worker

from store.settings import Settings, configure, get_settings
from tests.mail.mailbox import Mailbox
from workers.queue import queue_names


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A plain SMTP server on a port of its own (the relay next door of SMTP_SECURITY=none)."""
    box = Mailbox().start()
    yield box
    box.stop()


def sending_to(settings: Settings, box: Mailbox, **overrides) -> Settings:
    return settings.with_overrides(
        smtp_host="127.0.0.1",
        smtp_port=box.port,
        smtp_security=box.security,
        mail_from="Sheetbooks <sb@example.com>",
        **overrides,
    )


@pytest.fixture
def mail_settings(store_settings, mailbox) -> Iterator[Settings]:
    """The store settings, sending mail through `mailbox`."""
    configure(sending_to(store_settings, mailbox))
    yield get_settings()
    configure(store_settings)


def work() -> None:
    """Run every queued job (send jobs included) in a forked RQ worker, as production does, then stop."""
    settings = get_settings()
    redis = Redis.from_url(settings.redis_url)
    Worker([Queue(name, connection=redis) for name in queue_names()], connection=redis).work(burst=True)
