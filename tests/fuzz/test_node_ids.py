"""pytest counts finished tests by node id: items that share one make its progress stop short
(it stopped at 62%) and confuse --lf, -k and reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_fuzzed_operation_has_its_own_node_id() -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "tests/fuzz/test_schemathesis.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    ids = [line for line in r.stdout.splitlines() if "::" in line]
    assert len(ids) > 40 and len(set(ids)) == len(ids), ids[:5]
    assert "tests/fuzz/test_schemathesis.py::test_operation[GET /health]" in ids
