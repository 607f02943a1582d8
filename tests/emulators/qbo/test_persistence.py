"""With DB_PATH, companies, edits, deletions, grants, tokens and the clock survive a restart."""

from __future__ import annotations

from tests.emulators.qbo.emulator_harness import DAY, Api, connect, refresh, running


def test_state_survives_a_restart(tmp_path):
    config = {"DB_PATH": str(tmp_path / "qbo.db")}
    with running(config) as emulator:
        token, realm = connect(emulator)
        invoice = emulator.admin("GET", f"/companies/{realm}/entities/Invoice")["Invoice"][0]
        emulator.admin(
            "POST", f"/companies/{realm}/entities/Invoice/{invoice['Id']}", json={"PrivateNote": "kept"}
        )
        emulator.admin("DELETE", f"/companies/{realm}/entities/Invoice/{int(invoice['Id']) + 0}")
        emulator.advance(2 * DAY)
        rotated = refresh(emulator, token["refresh_token"]).json()
        counts = emulator.admin("GET", "/companies")["companies"]
        before = Api(emulator, rotated["access_token"], realm).query("SELECT COUNT(*) FROM Invoice").json()

    with running({**config, "SEED": [{"name": "Not created again", "invoices": 5}]}) as emulator:
        assert emulator.admin("GET", "/companies")["companies"] == counts
        assert emulator.admin("GET", "/clock")["offset"] >= 2 * DAY
        api = Api(emulator, rotated["access_token"], realm)
        assert api.query("SELECT COUNT(*) FROM Invoice").json()["QueryResponse"] == before["QueryResponse"]
        assert api.get(f"invoice/{invoice['Id']}").status_code == 400
        deleted = emulator.admin("GET", f"/companies/{realm}/entities/Invoice")["deleted"]
        assert invoice["Id"] in [stub["Id"] for stub in deleted]
        again = refresh(emulator, rotated["refresh_token"])
        assert again.status_code == 200 and again.json()["refresh_token"] == rotated["refresh_token"]
        assert refresh(emulator, token["refresh_token"]).status_code == 200  # still in its grace period


def test_edits_survive_a_restart(tmp_path):
    config = {"DB_PATH": str(tmp_path / "qbo.db")}
    with running(config) as emulator:
        realm = emulator.realms()[0]
        customer = emulator.admin("GET", f"/companies/{realm}/entities/Customer")["Customer"][0]
        emulator.admin(
            "POST", f"/companies/{realm}/entities/Customer/{customer['Id']}", json={"Notes": "kept"}
        )
    with running(config) as emulator:
        customers = emulator.admin("GET", f"/companies/{realm}/entities/Customer")["Customer"]
        kept = next(row for row in customers if row["Id"] == customer["Id"])
        assert kept["Notes"] == "kept" and kept["SyncToken"] == str(int(customer["SyncToken"]) + 1)
