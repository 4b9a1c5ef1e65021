"""The figures docs/reliability.md quotes, gathered while the reliability tests run.

Tests add to `FIGURES`; the reliability conftest prints them at the end of the session.
Refresh the table with:

    /work/venv/bin/python -m tests.reliability.figures

which runs tests/reliability and prints the Markdown table.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

# The suite's default sizes keep `pytest` (and CI) under ten minutes on two cores; the figures
# run (`python -m tests.reliability.figures`, or THIDUA_RELIABILITY_FULL=1) uses the full
# sizes the README quotes: more kills, more generated updates, the largest upload at the limit.
FULL = os.environ.get("THIDUA_RELIABILITY_FULL") == "1"

FIGURES: Counter[str] = Counter()
LABELS = {
    "updates_fuzzed": "Generated updates sent to the running bot (fuzzing)",
    "matrix_checks": "Command and button checks in the authorization matrix",
    "zalo_matrix_checks": "Zalo: commands, numbers and labels checked in its authorization matrix",
    "zalo_updates_fuzzed": "Zalo: generated updates sent to the running bot (fuzzing)",
    "kills": "SIGKILLs of the bot process survived",
    "replayed": "Updates replayed from the inbox after a kill",
    "zalo_kills": "Zalo: SIGKILLs of the bot process survived",
    "zalo_replayed": "Zalo: updates replayed from its inbox after a kill",
    "faults": "Bot API faults injected (429, 5xx, timeouts, 403)",
    "busy_writes": "Writes made while another process held the database",
    "hostile_files": "Hostile files sent to the running bot (bombs, traps, oversized fields)",
    "scope_escapes": "Attempts to act outside a scoped secretariat's scope (all refused)",
    "largest_upload_bytes": "Largest accepted upload: bytes (a roster workbook)",
    "largest_upload_rows": "Largest accepted upload: rows",
    "largest_upload_parse_ms": "Largest accepted upload: parse time in its worker (ms)",
    "largest_upload_peak_mb": "Largest accepted upload: worker's peak memory (MB)",
    "records_lost": "Records lost",
    "unhandled_errors": "Unhandled exceptions",
}


def table() -> str:
    lines = ["| figure | value |", "|---|---|"]
    for key, label in LABELS.items():
        lines.append(f"| {label} | {FIGURES.get(key, 0)} |")
    return "\n".join(lines)


def main() -> int:
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         str(root / "tests" / "reliability")],
        cwd=root, capture_output=True, text=True, check=False,
        env={**os.environ, "THIDUA_RELIABILITY_FULL": "1"},
    )
    marker = "Reliability figures"
    output = result.stdout
    print(output[output.index(marker):] if marker in output else output[-3000:])
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
