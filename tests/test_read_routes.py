"""Every GET under /api runs without a transaction (``@read_only``: no BEGIN and COMMIT round
trips, and a read retried once on a dropped connection) unless it is listed here with the
reason it needs one."""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute, iter_route_contexts

NEEDS_A_TRANSACTION = {
    "/api/export": "one REPEATABLE READ snapshot of everything",
    "/api/interviews/export.csv": "one REPEATABLE READ snapshot",
    "/api/questions/export.csv": "one REPEATABLE READ snapshot",
    "/api/calendar/{token}.ics": "records when the feed's content last changed",
    "/api/agents/conversations/{conversation_id}": "marks turns a crash interrupted as failed",
    "/api/agents/answer-stream": "saves the turn it streams",
}


def _api_gets(app: Any) -> dict[str, Any]:
    routes = {}
    for ctx in iter_route_contexts(app.routes):
        path, methods = ctx.path or "", ctx.methods or set()
        if isinstance(ctx.original_route, APIRoute) and path.startswith("/api/") and "GET" in methods:
            routes[path] = ctx.original_route.endpoint
    return routes


def test_every_api_read_runs_without_a_transaction_unless_it_needs_one(app: Any) -> None:
    routes = _api_gets(app)
    assert len(routes) > 30, "the walk must see the API's routes"
    in_transaction = {p for p, endpoint in routes.items() if not getattr(endpoint, "__read_only__", False)}
    assert in_transaction == set(NEEDS_A_TRANSACTION), (
        "a GET without @read_only pays BEGIN and COMMIT; mark it, or say here why it writes"
    )
