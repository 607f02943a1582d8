"""The order of a section's rows when several reports show different subsets of them (one report fetched in
pieces along time, or several companies side by side).

Each report lists its rows in QBO's order, so each says which row comes before which; the merged order keeps
all of that (a topological merge). Where no report says, QBO's own rule decides: it lists a section's accounts
by name (the chart of accounts' order within an account type), and rows that are not accounts (postings,
computed lines, account-type groups) stay in the order first seen, ahead of accounts.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

Item = TypeVar("Item", bound=Hashable)


def chart_name(label: str) -> str:
    """An account's own name as QBO sorts it: without its parents ("Automobile:Fuel" is "fuel")."""
    return label.rsplit(":", 1)[-1].strip().lower()


def merged_order(orders: Sequence[Sequence[Item]], name: Callable[[Item], str | None]) -> list[Item]:
    """Every item of the orders once, after every item that comes before it in any of them.

    `name` gives an account's name for the ties (None for a row that is not an account). Orders that
    contradict each other cannot all be kept: the first item seen of those still waiting goes next."""
    first: dict[Item, int] = {}
    later: dict[Item, set[Item]] = {}
    waiting: dict[Item, int] = {}  # how many items before it are not placed yet
    for order in orders:
        for item in order:
            if item not in first:
                first[item], later[item], waiting[item] = len(first), set(), 0
        for before, item in zip(order, order[1:], strict=False):
            if item != before and item not in later[before]:
                later[before].add(item)
                waiting[item] += 1
    items = list(first)

    def rank(item: Item) -> tuple[bool, str, int]:
        account = name(item)
        return account is not None, account or "", first[item]

    ready = [rank(item) for item in items if not waiting[item]]
    heapq.heapify(ready)
    placed: dict[Item, None] = {}
    while len(placed) < len(items):
        # nothing ready means the orders contradict each other (a cycle): the first seen still waiting goes
        item = items[heapq.heappop(ready)[-1]] if ready else next(i for i in items if i not in placed)
        placed[item] = None
        for follower in later[item]:
            waiting[follower] -= 1
            if waiting[follower] == 0 and follower not in placed:
                heapq.heappush(ready, rank(follower))
    return list(placed)
