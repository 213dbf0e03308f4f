"""Brute-force throttle, logout, password change, account deletion, API-key hygiene."""

from __future__ import annotations

import asyncio
import gc
import os
import stat
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.auth import security
from app.config import Settings
from tests.conftest import TEST_PASSWORD, UserCtx, assert_problem, register_user

# A window far longer than any test, so no test straddles two windows.
LONG_WINDOW = 10**7

# `app` makes the suite's per-test truncation run for tests that only use `make_client`.
pytestmark = pytest.mark.usefixtures("app")


async def _login(client: httpx.AsyncClient, email: str, password: str = TEST_PASSWORD) -> httpx.Response:
    return await client.post("/api/auth/token", data={"username": email, "password": password})


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _api_key(client: httpx.AsyncClient, user: UserCtx, name: str = "k") -> dict[str, Any]:
    r = await client.post(
        "/api/auth/api-keys", json={"name": name, "expires_in_days": 1}, headers=user.headers
    )
    assert r.status_code == 201, r.text
    return r.json()


class TestLoginThrottle:
    async def test_account_locks_after_failures_even_for_the_right_password(self, make_client: Any) -> None:
        client = await make_client(login_failure_window_s=LONG_WINDOW, login_max_failures_per_account=3)
        await register_user(client, "target@example.com")
        other = await register_user(client, "other@example.com")
        for _ in range(3):
            assert_problem(await _login(client, "target@example.com", "wrong-pass-1"), 401)
        for password in ("wrong-pass-1", TEST_PASSWORD):
            r = await _login(client, "TARGET@example.com", password)
            body = assert_problem(r, 429)
            assert "this account" in body["detail"]
            assert 0 < int(r.headers["retry-after"]) <= LONG_WINDOW
        # Only that account: another one still logs in from the same address.
        assert (await _login(client, other.email)).status_code == 200

    async def test_parallel_guesses_cannot_outrun_the_count(self, make_client: Any) -> None:
        client = await make_client(login_failure_window_s=LONG_WINDOW, login_max_failures_per_account=3)
        await register_user(client, "race@example.com")
        responses = await asyncio.gather(
            *(_login(client, "race@example.com", f"wrong-pass-{i}") for i in range(8))
        )
        assert sorted(r.status_code for r in responses) == [401] * 3 + [429] * 5

    async def test_unknown_accounts_lock_the_same_way(self, make_client: Any) -> None:
        client = await make_client(login_failure_window_s=LONG_WINDOW, login_max_failures_per_account=2)
        for _ in range(2):
            assert_problem(await _login(client, "ghost@example.com"), 401)
        assert_problem(await _login(client, "ghost@example.com"), 429)

    async def test_success_resets_the_account_count(self, make_client: Any) -> None:
        client = await make_client(login_failure_window_s=LONG_WINDOW, login_max_failures_per_account=3)
        user = await register_user(client, "typo@example.com")
        for _ in range(2):
            for _ in range(2):
                assert_problem(await _login(client, user.email, "wrong-pass-1"), 401)
            assert (await _login(client, user.email)).status_code == 200
        assert_problem(await _login(client, user.email, "wrong-pass-1"), 401)

    async def test_client_address_limit_spans_accounts(self, make_client: Any) -> None:
        client = await make_client(
            login_failure_window_s=LONG_WINDOW,
            login_max_failures_per_account=100,
            login_max_failures_per_client=4,
        )
        users = [await register_user(client) for _ in range(3)]
        for i in range(4):
            assert_problem(await _login(client, users[i % 2].email, "wrong-pass-1"), 401)
        r = await _login(client, users[2].email)
        assert "this address" in assert_problem(r, 429)["detail"]
        assert "retry-after" in r.headers

    async def test_successful_logins_and_registrations_are_not_limited(self, make_client: Any) -> None:
        client = await make_client(
            login_failure_window_s=LONG_WINDOW,
            login_max_failures_per_account=2,
            login_max_failures_per_client=3,
        )
        user = await register_user(client)
        for _ in range(8):
            assert (await _login(client, user.email)).status_code == 200
            await register_user(client)

    async def test_counts_in_postgresql_when_redis_is_down(self, make_client: Any) -> None:
        client = await make_client(
            login_failure_window_s=LONG_WINDOW,
            login_max_failures_per_account=1,
            redis_url="redis://127.0.0.1:1/0",
        )
        assert_problem(await _login(client, "x@example.com"), 401)
        assert_problem(await _login(client, "x@example.com"), 429)

    async def test_oversized_password_is_422_without_hashing(self, client: httpx.AsyncClient) -> None:
        await register_user(client, "long@example.com")
        started = time.perf_counter()
        for _ in range(20):
            body = assert_problem(await _login(client, "long@example.com", "x" * 129), 422)
            assert any(e["field"].endswith("password") for e in body["errors"])
        # Twenty Argon2 verifications would take well over a second.
        assert time.perf_counter() - started < 1.0
        r = await _login(client, "long@example.com", "x" * 2_000_000)
        assert r.status_code in (413, 422)
        assert (await _login(client, "long@example.com")).status_code == 200


class TestHashingOffTheLoop:
    async def test_event_loop_keeps_serving_during_logins(self, client: httpx.AsyncClient) -> None:
        await register_user(client, "busy@example.com")
        started = time.perf_counter()
        await asyncio.to_thread(security.verify_password_sync, "wrong-pass-0", None)
        one_hash = time.perf_counter() - started

        loop = asyncio.get_running_loop()
        gaps: list[float] = []
        done = False

        async def ticker() -> None:
            last = loop.time()
            while not done:
                await asyncio.sleep(0.001)
                now = loop.time()
                gaps.append(now - last)
                last = now

        # A full garbage collection of the test process can pause the loop as long as a hash on
        # a slow machine; it is not what this test is about.
        gc.disable()
        try:
            tick = asyncio.create_task(ticker())
            await asyncio.gather(*(_login(client, "busy@example.com", f"wrong-pass-{i}") for i in range(3)))
            done = True
            await tick
        finally:
            gc.enable()
        # A verification on the event loop would stall it for a whole hash; in worker threads
        # the loop keeps ticking.
        assert max(gaps) < one_hash / 2, (max(gaps), one_hash)


class TestLogout:
    async def test_logout_revokes_tokens_not_api_keys(
        self, client: httpx.AsyncClient, alice: UserCtx
    ) -> None:
        key = (await _api_key(client, alice))["key"]
        second = (await _login(client, alice.email)).json()["access_token"]
        ticket = (await client.post("/api/agents/tickets", headers=alice.headers)).json()["ticket"]

        assert (await client.post("/api/auth/logout", headers=alice.headers)).status_code == 204
        for token in (alice.token, second):
            r = await client.get("/api/auth/me", headers=_bearer(token))
            assert "revoked" in assert_problem(r, 401)["detail"]
        r = await client.get("/api/agents/answer-stream", params={"question": "Q?", "ticket": ticket})
        assert_problem(r, 401)
        assert (await client.get("/api/auth/me", headers=_bearer(key))).status_code == 200
        fresh = (await _login(client, alice.email)).json()["access_token"]
        assert (await client.get("/api/auth/me", headers=_bearer(fresh))).status_code == 200

    async def test_logout_needs_credentials(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.post("/api/auth/logout"), 401)


class TestPasswordChange:
    NEW = "brand-new-pass-77"

    async def test_change_revokes_everything_and_returns_a_fresh_token(
        self, client: httpx.AsyncClient, alice: UserCtx
    ) -> None:
        key = (await _api_key(client, alice))["key"]
        r = await client.post(
            "/api/auth/password",
            json={"current_password": TEST_PASSWORD, "new_password": self.NEW},
            headers=alice.headers,
        )
        assert r.status_code == 200, r.text
        fresh = r.json()["access_token"]
        assert (await client.get("/api/auth/me", headers=_bearer(fresh))).status_code == 200
        assert_problem(await client.get("/api/auth/me", headers=alice.headers), 401)
        assert_problem(await client.get("/api/auth/me", headers=_bearer(key)), 401)
        assert_problem(await _login(client, alice.email), 401)
        assert (await _login(client, alice.email, self.NEW)).status_code == 200

    @pytest.mark.parametrize(
        ("current", "new", "status", "field"),
        [
            ("wrong-pass-1", NEW, 403, None),
            (TEST_PASSWORD, "password123", 422, "new_password"),
            (TEST_PASSWORD, "alice-was-here-1", 422, "new_password"),
            (TEST_PASSWORD, TEST_PASSWORD, 422, None),
            ("x" * 129, NEW, 422, "current_password"),
        ],
    )
    async def test_refusals_change_nothing(
        self,
        client: httpx.AsyncClient,
        alice: UserCtx,
        current: str,
        new: str,
        status: int,
        field: str | None,
    ) -> None:
        r = await client.post(
            "/api/auth/password",
            json={"current_password": current, "new_password": new},
            headers=alice.headers,
        )
        body = assert_problem(r, status)
        if field:
            assert any(e["field"].endswith(field) for e in body["errors"])
        assert (await client.get("/api/auth/me", headers=alice.headers)).status_code == 200
        assert (await _login(client, alice.email)).status_code == 200

    async def test_wrong_current_passwords_are_throttled(self, make_client: Any) -> None:
        client = await make_client(login_failure_window_s=LONG_WINDOW, login_max_failures_per_account=2)
        user = await register_user(client)
        body = {"current_password": "wrong-pass-1", "new_password": self.NEW}
        for status in (403, 403, 429):
            assert_problem(await client.post("/api/auth/password", json=body, headers=user.headers), status)

    async def test_a_pool_of_one_connection_serves_password_routes(self, make_client: Any) -> None:
        # The throttle counts each check in its own committed transaction: a request that held
        # the user's transaction open meanwhile needed two pooled connections, and with one (or
        # under a flood of such requests) waited for itself until the pool timed out (503).
        client = await make_client(db_pool_size=1, db_max_overflow=0, db_pool_timeout_s=2.0)
        user = await register_user(client)
        body = {"current_password": TEST_PASSWORD, "new_password": self.NEW}
        r = await client.post("/api/auth/password", json=body, headers=user.headers)
        assert r.status_code == 200, r.text
        fresh = _bearer(r.json()["access_token"])
        r = await client.request("DELETE", "/api/auth/me", json={"password": self.NEW}, headers=fresh)
        assert r.status_code == 204, r.text
        assert_problem(await _login(client, user.email, self.NEW), 401)

    async def test_api_key_cannot_change_the_password(
        self, client: httpx.AsyncClient, alice: UserCtx
    ) -> None:
        key = (await _api_key(client, alice))["key"]
        r = await client.post(
            "/api/auth/password",
            json={"current_password": TEST_PASSWORD, "new_password": self.NEW},
            headers=_bearer(key),
        )
        assert "password login" in assert_problem(r, 403)["detail"]


class TestDeleteAccount:
    async def test_deletes_the_account_and_everything_it_owns(
        self, client: httpx.AsyncClient, app: Any, alice: UserCtx, bob: UserCtx
    ) -> None:
        h = alice.headers
        company = (await client.post("/api/companies", json={"company_name": "Acme"}, headers=h)).json()
        role = await client.post("/api/roles", json={"role_title": "Engineer"}, headers=h)
        assert role.status_code == 201, role.text
        interview = await client.post(
            "/api/interviews", json={"company_id": company["id"], "role_id": role.json()["id"]}, headers=h
        )
        assert interview.status_code == 201, interview.text
        q = await client.post(
            "/api/questions", json={"question_text": "Why?", "question_category": "behavioral"}, headers=h
        )
        assert q.status_code == 201, q.text
        r = await client.post(
            f"/api/interviews/{interview.json()['id']}/questions",
            json={"question_id": q.json()["id"], "answer_quality_rating": 7},
            headers=h,
        )
        assert r.status_code == 201, r.text
        assert (
            await client.post("/api/agents/answer", json={"question": "Explain TCP."}, headers=h)
        ).is_success
        await _api_key(client, alice)
        await client.post("/api/agents/tickets", headers=h)
        bobs = await client.post("/api/companies", json={"company_name": "Bob Co"}, headers=bob.headers)
        assert bobs.status_code == 201

        r = await client.request("DELETE", "/api/auth/me", json={"password": TEST_PASSWORD}, headers=h)
        assert r.status_code == 204, r.text

        assert_problem(await client.get("/api/auth/me", headers=h), 401)
        assert_problem(await _login(client, alice.email), 401)
        async with app.state.engine.connect() as conn:
            owned = (
                await conn.exec_driver_sql(
                    "SELECT table_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND column_name = 'owner_id'"
                )
            ).scalars()
            for table in owned:
                left = (
                    await conn.exec_driver_sql(f'SELECT count(*) FROM "{table}" WHERE owner_id = {alice.id}')
                ).scalar_one()
                assert left == 0, table
        assert (
            await client.get(f"/api/companies/{bobs.json()['id']}", headers=bob.headers)
        ).status_code == 200
        # The address is free again.
        await register_user(client, alice.email)

    async def test_wrong_password_or_api_key_deletes_nothing(
        self, client: httpx.AsyncClient, alice: UserCtx
    ) -> None:
        r = await client.request(
            "DELETE", "/api/auth/me", json={"password": "wrong-pass-1"}, headers=alice.headers
        )
        assert_problem(r, 403)
        key = (await _api_key(client, alice))["key"]
        r = await client.request(
            "DELETE", "/api/auth/me", json={"password": TEST_PASSWORD}, headers=_bearer(key)
        )
        assert_problem(r, 403)
        assert_problem(await client.request("DELETE", "/api/auth/me", headers=alice.headers), 422)
        assert (await client.get("/api/auth/me", headers=alice.headers)).status_code == 200


class TestApiKeyHygiene:
    async def test_api_key_cannot_manage_keys(self, client: httpx.AsyncClient, alice: UserCtx) -> None:
        created = await _api_key(client, alice)
        as_key = _bearer(created["key"])
        r = await client.post("/api/auth/api-keys", json={"name": "forever"}, headers=as_key)
        assert "password login" in assert_problem(r, 403)["detail"]
        assert_problem(await client.get("/api/auth/api-keys", headers=as_key), 403)
        assert_problem(await client.delete(f"/api/auth/api-keys/{created['id']}", headers=as_key), 403)
        keys = (await client.get("/api/auth/api-keys", headers=alice.headers)).json()
        assert [k["name"] for k in keys] == ["k"]

    async def test_revoking_a_key_voids_its_tickets(self, client: httpx.AsyncClient, alice: UserCtx) -> None:
        created = await _api_key(client, alice)
        from_key = (await client.post("/api/agents/tickets", headers=_bearer(created["key"]))).json()[
            "ticket"
        ]
        from_token = (await client.post("/api/agents/tickets", headers=alice.headers)).json()["ticket"]
        r = await client.delete(f"/api/auth/api-keys/{created['id']}", headers=alice.headers)
        assert r.status_code == 204
        r = await client.get("/api/agents/answer-stream", params={"question": "Q?", "ticket": from_key})
        assert_problem(r, 401)
        r = await client.get(
            "/api/agents/answer-stream", params={"question": "Explain TCP.", "ticket": from_token}
        )
        assert r.status_code == 200


def test_secret_key_file_is_created_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # With a permissive umask and no later chmod to rescue it, only a file *created* 0600 is private.
    monkeypatch.setattr(Path, "chmod", lambda self, mode: None)
    old = os.umask(0)
    try:
        settings = Settings(data_dir=tmp_path, secret_key=None, _env_file=None)  # type: ignore[call-arg]
        key = settings.resolved_secret_key()
    finally:
        os.umask(old)
    path = tmp_path / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) > 40 and settings.resolved_secret_key() == key
