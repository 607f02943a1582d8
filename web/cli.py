"""The `sheetbooks` command: web, worker, tick, demo, emulate, addon, db, keys, api-token."""

from __future__ import annotations

import argparse
import logging
import sys
import threading


def _web(args: argparse.Namespace) -> None:
    from web import create_app

    create_app().run(host=args.host, port=args.port, debug=False, use_reloader=False, threaded=True)


def _worker(args: argparse.Namespace) -> None:
    from workers.jobs import preload
    from workers.worker import work_until_stopped

    if args.burst and args.no_fork:
        raise SystemExit(
            "--burst forks a work-horse per job (no supervisor to fail a dead process's run): "
            "not with --no-fork"
        )
    preload()  # a forked work-horse inherits the imported job code; a worker process imports it once
    if args.burst:
        work_until_stopped(burst=True)
        return
    from workers.held_run import HeldRun
    from workers.supervisor import Supervisor

    def work(held: HeldRun) -> None:
        work_until_stopped(held=None if args.fork else held)

    Supervisor(work, processes=args.processes).run()


def _tick(args: argparse.Namespace) -> None:
    from workers.tick import tick

    if not args.loop:
        print(tick())
        return
    from workers.schedule import run_forever

    run_forever(threading.Event(), interval_seconds=args.interval)


def _demo(args: argparse.Namespace) -> None:
    from web.demo import run_demo

    run_demo(args)


def _emulate(args: argparse.Namespace) -> None:
    if args.kind == "qbo":
        from emulators.qbo.cli import main as emulate
    else:
        from emulators.google.cli import main as emulate
    emulate(args.rest)


def _addon(args: argparse.Namespace) -> None:
    import json

    from store.settings import get_settings
    from web.addon.deployment import deployment_resource

    print(json.dumps(deployment_resource(get_settings()), indent=2))


def _db(args: argparse.Namespace) -> None:
    from store.db import upgrade

    upgrade()
    print("database schema is up to date")


def _keys(args: argparse.Namespace) -> None:
    from store import crypto

    if args.action == "new":
        print(crypto.new_key())
        return
    from store.rekey import reencrypt_all

    print(f"re-encrypted {reencrypt_all()} secrets with the newest TOKEN_KEYS key")


def _api_token(args: argparse.Namespace) -> None:
    from store.api_tokens import TokenRefused, issue_for
    from store.db import session_scope

    try:
        with session_scope() as session:
            row, token = issue_for(session, args.email, args.workspace, args.name, args.expires_days)
            expires = row.expires_at.isoformat() if row.expires_at else "never"
    except TokenRefused as refused:
        sys.exit(str(refused))
    print(f"API token {row.prefix}… for {args.email} (expires: {expires}); it is shown only once:")
    print(token)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="sheetbooks", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    web = commands.add_parser(
        "web", help="serve the dashboard (development server; production uses gunicorn)"
    )
    web.add_argument("--host", default="127.0.0.1")
    web.add_argument("--port", type=int, default=5000)
    web.set_defaults(func=_web)

    worker = commands.add_parser(
        "worker", help="run RQ worker processes for exporter runs, restarted if they die (SIGTERM stops them)"
    )
    worker.add_argument(
        "--burst",
        action="store_true",
        help="one worker in this process, forking a work-horse per job; stop when the queue is empty",
    )
    worker.add_argument("--processes", type=int, default=1, help="worker processes to keep (default 1)")
    mode = worker.add_mutually_exclusive_group()
    mode.add_argument(
        "--fork",
        action="store_true",
        help="fork a work-horse per job (RQ's Worker): what a run does to its process ends with it, at about "
        "three times the CPU per run (README: Deployment)",
    )
    mode.add_argument(
        "--no-fork",
        action="store_true",
        help="the default (kept for existing command lines): run each job in its worker process, which "
        "retires after WORKER_MAX_JOBS jobs or past WORKER_MAX_MEMORY_MB; a run whose process dies is "
        "failed and retried by the supervisor",
    )
    worker.set_defaults(func=_worker)

    tick = commands.add_parser("tick", help="queue the runs of due exporters (once, or every minute)")
    tick.add_argument("--loop", action="store_true")
    tick.add_argument("--interval", type=float, default=60.0)
    tick.set_defaults(func=_tick)

    demo = commands.add_parser("demo", help="start everything against the emulators with a seeded company")
    demo.add_argument("--port", type=int, default=5000)
    demo.add_argument("--qbo-port", type=int, default=8001)
    demo.add_argument("--google-port", type=int, default=8002)
    demo.add_argument("--invoices", type=int, default=300)
    demo.set_defaults(func=_demo)

    emulate = commands.add_parser("emulate", help="run a local QuickBooks Online or Google emulator")
    emulate.add_argument("kind", choices=["qbo", "google"])
    emulate.add_argument("rest", nargs=argparse.REMAINDER, help="options of the emulator (--port, --db, ...)")
    emulate.set_defaults(func=_emulate)

    addon = commands.add_parser("addon", help="the Sheets add-on")
    addon.add_argument(
        "action", choices=["deployment"], help="print the deployment resource for PUBLIC_URL (gcloud's file)"
    )
    addon.set_defaults(func=_addon)

    db = commands.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade"])
    db.set_defaults(func=_db)

    keys = commands.add_parser("keys", help="token encryption keys")
    keys.add_argument("action", choices=["new", "rotate"])
    keys.set_defaults(func=_keys)

    api_token = commands.add_parser("api-token", help="API tokens for /api/v1")
    api_token.add_argument("action", choices=["create"])
    api_token.add_argument("--email", required=True, help="the user the token acts for")
    api_token.add_argument("--workspace", help="the workspace's name (default: the user's first)")
    api_token.add_argument("--name", default="command line", help="what the token is for")
    api_token.add_argument("--expires-days", type=int, default=None, help="expire after this many days")
    api_token.set_defaults(func=_api_token)
    return root


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its INFO lines repeat at every start
    args = parser().parse_args(argv)
    try:
        args.func(args)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
