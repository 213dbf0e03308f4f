"""`make bench`: run every benchmark, print a table, write JSON under bench/results/."""

from __future__ import annotations

import json
import platform
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bench import agents
from bench.common import RESULTS


def _table(title: str, rows: dict[str, Any]) -> str:
    width = max(len(k) for k in rows) + 2
    lines = [f"\n{title}", "-" * (width + 20)]
    lines += [f"{k:<{width}}{v}" for k, v in rows.items()]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    only = set(argv)
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
    }
    t0 = time.perf_counter()
    if not only or "agents" in only:
        results["agents"] = agents.run()
        for name, rows in results["agents"].items():
            print(_table(f"agents / {name}", rows), flush=True)
    results["duration_s"] = round(time.perf_counter() - t0, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {out.relative_to(RESULTS.parent.parent)}")


if __name__ == "__main__":
    main(sys.argv[1:])
