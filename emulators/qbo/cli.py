"""`python -m emulators.qbo.cli`: serve the QBO emulator in the foreground."""

from __future__ import annotations

import argparse

from emulators.qbo import create_app
from emulators.serving import serve_forever


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="sheetbooks emulate qbo", description="Local QuickBooks Online emulator"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--db", help="SQLite file; state survives restarts (default: in memory)")
    parser.add_argument("--seed-invoices", type=int, default=300, help="invoices per seeded company")
    parser.add_argument("--company", action="append", help="seed a company with this name (repeatable)")
    parser.add_argument("--production", action="store_true", help="turn the /_emulator admin API off")
    parser.add_argument("--webhook-url", help="POST signed change notifications here")
    parser.add_argument(
        "--webhook-verifier", default="sheetbooks-verifier", help="key of the intuit-signature HMAC"
    )
    parser.add_argument("--webhook-format", choices=["cloudevents", "legacy"], default="cloudevents")
    return parser.parse_args(argv)


def config_from(args: argparse.Namespace) -> dict:
    names = args.company or ["Craig's Design and Landscaping"]
    seed = [
        {"name": name, "invoices": args.seed_invoices, "seed": number} for number, name in enumerate(names, 1)
    ]
    return {
        "BASE_URL": f"http://{args.host}:{args.port}",
        "DB_PATH": args.db,
        "ADMIN": not args.production,
        "WEBHOOK_URL": args.webhook_url,
        "WEBHOOK_VERIFIER": args.webhook_verifier,
        "WEBHOOK_FORMAT": args.webhook_format,
        "SEED": seed,
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    app = create_app(config_from(args))
    print(f"QBO emulator on http://{args.host}:{args.port} (admin {'off' if args.production else 'on'})")
    serve_forever(app, args.host, args.port)


if __name__ == "__main__":
    main()
