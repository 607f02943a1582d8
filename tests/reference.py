"""The public API contracts and real sample payloads: `../shared/reference` beside the checkout."""

from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
QBO_SAMPLES = REFERENCE / "qbo-samples"
