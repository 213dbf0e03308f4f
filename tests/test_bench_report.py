"""The benchmark's report: what it reads from wrk and how it judges the targets. (The figures
themselves are `make bench`'s; this only checks that a failed request is counted, by kind, and
against the right server.)"""

from __future__ import annotations

from typing import Any

from bench.http import _parse, summary
from bench.run import _targets

WRK_OUT = """Running 6s test @ http://127.0.0.1:40251/api/questions?q=cache
  1 threads and 32 connections
  Latency Distribution
     50%   17.36ms
     75%   20.01ms
     90%   25.00ms
     99%    1.12s
  9828 requests in 6.00s, 30.1MB read
  Socket errors: connect 0, read 3, write 0, timeout 29
  Non-2xx or 3xx responses: 5
Requests/sec:   1638.10
"""


def test_wrk_errors_are_counted_by_kind() -> None:
    one = _parse(WRK_OUT)
    assert one["rps"] == 1638.1
    assert one["p50_ms"] == 17.36 and one["p99_ms"] == 1120.0
    assert one["errors"] == 37
    assert one["error_kinds"] == {"read": 3, "timeout": 29, "non_2xx_3xx": 5}
    clean = _parse(
        WRK_OUT.replace("  Socket errors: connect 0, read 3, write 0, timeout 29\n", "").replace(
            "  Non-2xx or 3xx responses: 5\n", ""
        )
    )
    assert clean["errors"] == 0 and clean["error_kinds"] == {}
    total = summary([one, clean, one])
    assert total["errors"] == 74 and total["error_kinds"] == {"read": 6, "timeout": 58, "non_2xx_3xx": 10}


def _result(errors: int) -> dict[str, Any]:
    return {"rps": 100.0, "p50_ms": 1.0, "p99_ms": 2.0, "errors": errors, "error_kinds": {}, "runs": 3}


def _http(app_errors: int, ceiling_errors: int) -> dict[str, Any]:
    endpoints = ("list", "detail", "create", "update", "search", "stats")
    shaped: dict[str, Any] = {"me": _result(0)}
    for name in endpoints:
        shaped[name] = {**_result(0), "ceiling": _result(0), "me": _result(0), "x_me": 1.0, "x_ceiling": 1.0}
    shaped["search"]["errors"] = app_errors
    shaped["search"]["ceiling"]["errors"] = ceiling_errors
    heavy = {name: _result(0) for name in ("interview_list_heavy_page1", "interview_list_heavy_page2000")}
    heavy["interview_list_heavy_cursor_2001"] = _result(0)
    return {"http": {"shaped": shaped, "heavy": heavy, "growth_10k_to_1m": dict.fromkeys(endpoints, 1.0)}}


def _verdict(rows: list[list[Any]], name: str) -> tuple[Any, str]:
    (row,) = [r for r in rows if r[0] == name]
    return row[2], row[3]


def test_the_app_errors_are_the_target_and_the_ceilings_are_shown_apart() -> None:
    rows = _targets(_http(app_errors=0, ceiling_errors=32))
    assert _verdict(rows, "HTTP request errors (the app)") == (0, "met")
    assert _verdict(rows, "HTTP request errors (the ceiling)") == (32, "n/a")
    rows = _targets(_http(app_errors=2, ceiling_errors=0))
    assert _verdict(rows, "HTTP request errors (the app)") == (2, "MISSED")


def test_a_ratio_just_under_its_target_is_missed_and_printed_so() -> None:
    results = _http(app_errors=0, ceiling_errors=0)
    results["http"]["shaped"]["list"]["x_me"] = 0.5998
    results["http"]["shaped"]["create"]["x_me"] = 0.5002
    rows = _targets(results)
    assert _verdict(rows, "list vs /api/auth/me (shaped user)") == ("0.59x", "MISSED")
    assert _verdict(rows, "create vs /api/auth/me (shaped user)") == ("0.50x", "met")
    assert _verdict(rows, "detail vs its raw-asyncpg ceiling") == ("1.00x", "met")
