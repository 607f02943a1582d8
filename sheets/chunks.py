"""Rows streamed into chunks of RAW values of at most ~2 MB of request JSON (one chunk held at a time)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sheets.limits import MAX_PAYLOAD_BYTES
from sheets.rows import RawRow, TableEncoder

# Room left in a request for the other requests of the batch (resize, formats, header…).
CHUNK_BYTES = MAX_PAYLOAD_BYTES - 200_000
MIN_WIDTH, MAX_WIDTH, PX_PER_CHAR = 60, 360, 7


@dataclass
class Chunk:
    """Rows of RAW values: `first` is the 0-based index of its first data row."""

    first: int
    rows: list[RawRow]
    size: int

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class ChunkStats:
    """What the stream has seen so far: rows, and the widest text per column (for column widths)."""

    rows: int = 0
    widest: list[int] = field(default_factory=list)

    def widths(self, labels: Sequence[str]) -> list[int]:
        chars = [
            max(len(label), w) for label, w in zip(labels, self.widest or [0] * len(labels), strict=False)
        ]
        return [min(MAX_WIDTH, max(MIN_WIDTH, c * PX_PER_CHAR + 16)) for c in chars]


def raw_size(row: RawRow, widest: list[int] | None = None) -> int:
    """About the bytes of `row` in a `values` request's JSON, counted without encoding it (strings
    needing escapes may be a little longer: CHUNK_BYTES leaves room). `widest`, when given, is raised to
    each text's length (up to 60 characters) in the same pass."""
    size = 2
    for index, value in enumerate(row):
        kind = type(value)
        if kind is str:  # most cells: tested first
            length = len(value)
            size += (length if value.isascii() else len(value.encode())) + 3
            if widest is not None and length > widest[index]:
                widest[index] = min(length, 60)
        elif value is None:
            size += 5
        elif kind is bool:  # bool has no subclasses
            size += 6
        else:
            size += len(repr(value)) + 1
    return size


def encoded_rows(
    rows: Iterable[Sequence[Any]], table: TableEncoder, stats: ChunkStats
) -> Iterator[tuple[RawRow, int]]:
    """(RAW values, about their JSON size) per row; a too-long value fails naming its row and column."""
    stats.widest = stats.widest or [0] * len(table.columns)
    widest = stats.widest
    for values in rows:
        row = table.values(values)
        stats.rows += 1
        yield row, raw_size(row, widest)


def chunked(encoded: Iterable[tuple[RawRow, int]], max_bytes: int = CHUNK_BYTES) -> Iterator[Chunk]:
    """Group encoded rows into chunks of at most `max_bytes` (a single bigger row is its own chunk)."""
    chunk = Chunk(0, [], 0)
    for row, size in encoded:
        if chunk.rows and chunk.size + size + 1 > max_bytes:
            yield chunk
            chunk = Chunk(chunk.first + len(chunk), [], 0)
        chunk.rows.append(row)
        chunk.size += size + 1
    if chunk.rows:
        yield chunk


class Spool:
    """Encoded chunks parked on disk (memory up to 8 MB) so a mode can count rows before writing any."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=8_000_000, mode="w+b")  # noqa: SIM115 - closed by close()
        self.rows = 0
        self.chunks = 0

    def add(self, chunk: Chunk) -> None:
        self._file.write(json.dumps(chunk.rows, separators=(",", ":")).encode() + b"\n")
        self.rows += len(chunk)
        self.chunks += 1

    def __iter__(self) -> Iterator[Chunk]:
        self._file.seek(0)
        first = 0
        for line in self._file:
            rows = json.loads(line)
            yield Chunk(first, rows, len(line))
            first += len(rows)

    def close(self) -> None:
        self._file.close()
