"""The collector during a run: young objects collected rarely inside the block, as before after it."""

from __future__ import annotations

import gc

import pytest

from workers.collector import fewer_collections


def test_young_collections_are_rarer_inside_and_the_thresholds_come_back_even_after_a_failure():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections(50_000):
        assert gc.get_threshold() == (50_000, *before[1:])
        raise RuntimeError("the run failed")
    assert gc.get_threshold() == before
