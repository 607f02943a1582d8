"""Run a WSGI app on a loopback port in a background thread (tests, demo) or in the foreground (CLI)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.serving import BaseWSGIServer, make_server


@dataclass
class RunningServer:
    """A WSGI server serving in a daemon thread; `url` has no trailing slash."""

    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve_in_thread(app: Callable, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Start `app` on host:port (0 picks a free port) and return once it accepts connections."""
    server = make_server(host, port, app, threaded=True)
    # stop() waits for the serving loop to look at its shutdown flag: every 50 ms, not socketserver's 500 ms
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"wsgi-{server.port}", daemon=True
    )
    thread.start()
    return RunningServer(server, thread)


YOUNG_THRESHOLD = 100_000


def fewer_collections() -> None:
    """Collect young objects every 100,000 net allocations instead of 700, for a process that is an
    emulator: a 100,000-row tab or company is millions of long-lived objects, and a request that makes
    a few hundred thousand (a page of invoices, a tab's worth of cells) at the default walked them
    again and again (a swap's repeatCell over 100,000 rows: 0.2 s of CPU, 0.07 s after)."""
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def serve_forever(app: Callable, host: str, port: int) -> None:
    """Serve `app` in the foreground until interrupted (the process is the emulator's own)."""
    fewer_collections()
    server = make_server(host, port, app, threaded=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
