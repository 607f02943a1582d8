"""The command line builds the documented config; production mode has no admin API."""

from __future__ import annotations

import requests

from emulators.qbo import create_app
from emulators.qbo.cli import config_from, parse_args
from emulators.serving import serve_in_thread


def test_cli_arguments_become_config():
    args = parse_args(
        [
            "--port",
            "9001",
            "--db",
            "x.db",
            "--seed-invoices",
            "50",
            "--company",
            "A",
            "--company",
            "B",
            "--production",
            "--webhook-url",
            "http://hook",
            "--webhook-verifier",
            "v3rify",
            "--webhook-format",
            "legacy",
        ]
    )
    config = config_from(args)
    assert config["BASE_URL"] == "http://127.0.0.1:9001" and config["DB_PATH"] == "x.db"
    assert config["ADMIN"] is False and config["WEBHOOK_URL"] == "http://hook"
    assert (config["WEBHOOK_VERIFIER"], config["WEBHOOK_FORMAT"]) == ("v3rify", "legacy")
    assert [(spec["name"], spec["invoices"]) for spec in config["SEED"]] == [("A", 50), ("B", 50)]
    defaults = config_from(parse_args([]))
    assert defaults["SEED"][0]["name"] == "Craig's Design and Landscaping"
    assert (defaults["WEBHOOK_VERIFIER"], defaults["WEBHOOK_FORMAT"]) == (
        "sheetbooks-verifier",
        "cloudevents",
    )


def test_production_mode_has_no_admin_api():
    server = serve_in_thread(create_app({"ADMIN": False, "SEED": [{"name": "P", "invoices": 5}]}))
    try:
        assert requests.get(f"{server.url}/_emulator/companies", timeout=10).status_code == 404
        assert requests.get(f"{server.url}/.well-known/openid_configuration", timeout=10).status_code == 200
    finally:
        server.stop()
