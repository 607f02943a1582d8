"""When a worker process that runs jobs itself (`sheetbooks worker`, no work-horse) retires: after a job,
once it has run WORKER_MAX_JOBS jobs or its resident memory is over WORKER_MAX_MEMORY_MB. Memory a run
leaks or fragments stays in such a process; a fresh one, started at once by the supervisor, drops it.
A retiring process exits with RETIRED_EXIT_CODE, which its supervisor tells from a crash (no backoff)."""

from __future__ import annotations

import os
import resource
import sys

from store.settings import Settings

RETIRED_EXIT_CODE = 3  # no crash exits with it: Python's own failures exit 1, a signal is negative


def resident_mb() -> float:
    """This process's resident memory now (Linux: /proc/self/statm), else its peak (getrusage)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # bytes on macOS, KiB elsewhere
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


class Retirement:
    """Counts a worker process's jobs and says, after each, whether the process should retire and why."""

    def __init__(self, max_jobs: int, max_memory_mb: int) -> None:
        self.max_jobs, self.max_memory_mb = max_jobs, max_memory_mb
        self.jobs = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> Retirement:
        return cls(settings.worker_max_jobs, settings.worker_max_memory_mb)

    def after_job(self) -> str | None:
        """A job ended: why the process should retire now, if it should (a limit of 0 is no limit)."""
        self.jobs += 1
        if self.max_jobs and self.jobs >= self.max_jobs:
            return f"it has run {self.jobs} jobs (WORKER_MAX_JOBS={self.max_jobs})"
        if self.max_memory_mb:
            resident = resident_mb()
            if resident > self.max_memory_mb:
                return f"its resident memory is {resident:.0f} MB (WORKER_MAX_MEMORY_MB={self.max_memory_mb})"
        return None
