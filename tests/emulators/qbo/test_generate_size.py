"""A 100,000-invoice company generates quickly enough for a demo (timed, printed, generous bound)."""

from __future__ import annotations

import time

import pytest

from emulators.qbo.clock import Clock
from emulators.qbo.generate import generate


@pytest.mark.slow
def test_one_hundred_thousand_invoices():
    started = time.perf_counter()
    company = generate("42", {"name": "Big", "invoices": 100_000, "seed": 1}, Clock())
    elapsed = time.perf_counter() - started
    entities = sum(company.summary()["counts"].values())
    print(f"\ngenerated 100,000 invoices ({entities} entities) in {elapsed:.1f} s")
    assert len(company.entities("Invoice")) == 100_000
    assert elapsed < 120  # the target is < 60 s on 2 cores; the bound is generous on purpose
