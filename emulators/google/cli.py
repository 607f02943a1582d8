"""`python -m emulators.google.cli --port 8002 --db google.db`: run the Google emulator in the foreground."""

from __future__ import annotations

import argparse

from emulators.google.app import create_app
from emulators.serving import serve_forever


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="google-emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    parser.add_argument("--db", default=None, help="SQLite file to keep state in (default: memory only)")
    parser.add_argument("--base-url", default=None, help="public base URL (default: the request's host)")
    parser.add_argument("--production", action="store_true", help="disable the /_emulator admin API")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    app = create_app({"DB_PATH": args.db, "ADMIN": not args.production, "BASE_URL": args.base_url})
    print(f"Google emulator on http://{args.host}:{args.port} (db: {args.db or 'memory'})", flush=True)
    serve_forever(app, args.host, args.port)


if __name__ == "__main__":
    main()
