"""The `interview-api` command, run as a user would run it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import httpx

from tests.conftest import TEST_PASSWORD, assert_problem


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


async def test_create_user_and_seed_demo(client: httpx.AsyncClient, database_url: str) -> None:
    r = _cli(database_url, "create-user", "--email", "ops@example.com", "--password", TEST_PASSWORD)
    assert r.returncode == 0, r.stderr
    weak = _cli(database_url, "create-user", "--email", "weak@example.com", "--password", "password")
    assert weak.returncode != 0

    seeded = _cli(database_url, "seed-demo", "--email", "ops@example.com", "--interviews", "120")
    assert seeded.returncode == 0, seeded.stderr
    again = _cli(database_url, "seed-demo", "--email", "ops@example.com")
    assert again.returncode == 1 and "already has 120 interviews" in again.stderr

    token = (
        await client.post("/api/auth/token", data={"username": "ops@example.com", "password": TEST_PASSWORD})
    ).json()["access_token"]
    h = {"Authorization": f"Bearer {token}"}
    stats = (await client.get("/api/stats/overview", headers=h)).json()
    assert stats["totals"]["interviews"] == 120
    assert stats["totals"]["companies"] >= 24 and stats["totals"]["questions"] >= 200
    assert set(stats["questions_by_category"]) == {
        "behavioral",
        "technical",
        "coding",
        "system_design",
        "product",
        "architecture",
        "other",
    }
    assert stats["average_answer_rating"] is not None and 0 < stats["success_rate"] < 1

    reset = _cli(database_url, "seed-demo", "--email", "ops@example.com", "--interviews", "50", "--reset")
    assert reset.returncode == 0, reset.stderr
    assert (await client.get("/api/interviews", headers=h)).json()["total"] == 50
    assert_problem(await client.get("/api/interviews/100000", headers=h), 404)


def test_commands_migrate_a_fresh_database(pg_server: object) -> None:
    from tests.conftest import database_url_for

    url = database_url_for(pg_server, "cli_fresh")  # empty: no tables yet
    r = _cli(url, "create-user", "--email", "fresh@example.com", "--password", TEST_PASSWORD)
    assert r.returncode == 0, r.stderr
    r = _cli(url, "seed-demo", "--email", "fresh@example.com", "--interviews", "10")
    assert r.returncode == 0, r.stderr
    assert "10 interviews" in r.stderr


def test_help_is_clean() -> None:
    """Flags take no value, so help shows none: no "--help <bool>" (typer 0.29's rich panels)."""
    for command in ([], ["serve"], ["migrate"], ["create-user"], ["seed-demo"]):
        r = subprocess.run(
            [sys.executable, "-m", "app.cli", *command, "--help"],
            env={**os.environ, "COLUMNS": "120"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert r.returncode == 0, r.stderr
        assert "<bool>" not in r.stdout, r.stdout
        assert re.search(r"^  --help +Show this message and exit\.$", r.stdout, re.M), r.stdout
    serve_help = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve", "--help"], capture_output=True, text=True, timeout=60
    ).stdout
    assert re.search(r"^  --no-migrate +Skip migrations\.$", serve_help, re.M), serve_help
    assert re.search(r"^  --port <int> +Port \(PORT\)\.$", serve_help, re.M), serve_help


def test_serve_banner_lists_docs_and_playground(database_url: str) -> None:
    from tests.agents.fake_openai import _free_port

    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "COLUMNS": "200", "LLM_PROVIDER": "offline"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    banner: list[str] = []
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            banner.append(line)
            if "Token:" in line:
                break
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    text = "".join(banner)
    base = f"http://127.0.0.1:{port}"
    for line in (f"Swagger:    {base}/docs", f"ReDoc:      {base}/redoc", f"Playground: {base}/playground"):
        assert line in text, text
