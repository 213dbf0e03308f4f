from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from tests.conftest import TEST_PASSWORD, UserCtx, assert_problem, register_user


class TestRegister:
    async def test_creates_user(self, client: httpx.AsyncClient) -> None:
        r = await client.post(
            "/api/auth/register",
            json={"email": "New.Person@Example.com", "password": "a-decent-pass-7", "full_name": "New"},
        )
        assert r.status_code == 201
        body = r.json()
        assert body["email"] == "new.person@example.com"
        assert body["full_name"] == "New"
        assert "password" not in r.text and "hashed" not in r.text

    async def test_duplicate_email_is_409_case_insensitive(self, client: httpx.AsyncClient) -> None:
        await register_user(client, "dup@example.com")
        r = await client.post(
            "/api/auth/register", json={"email": "DUP@example.com", "password": "another-pass-9"}
        )
        assert_problem(r, 409)

    @pytest.mark.parametrize(
        "password",
        ["short1", "password123", "aaaaaaaaaaaa", "onlyletterspassword", "12345678901", "x" * 129],
    )
    async def test_weak_password_is_422_with_field(self, client: httpx.AsyncClient, password: str) -> None:
        r = await client.post("/api/auth/register", json={"email": "w@example.com", "password": password})
        body = assert_problem(r, 422)
        assert any(e["field"].endswith("password") for e in body["errors"])
        # Nothing was created: the email is still free.
        ok = await client.post(
            "/api/auth/register", json={"email": "w@example.com", "password": "now-strong-42"}
        )
        assert ok.status_code == 201

    async def test_password_containing_email_is_refused(self, client: httpx.AsyncClient) -> None:
        r = await client.post(
            "/api/auth/register", json={"email": "margaret@example.com", "password": "margaret-2024"}
        )
        assert_problem(r, 422)

    async def test_invalid_email_and_unknown_field(self, client: httpx.AsyncClient) -> None:
        r = await client.post("/api/auth/register", json={"email": "nope", "password": "fine-pass-42"})
        assert_problem(r, 422)
        r = await client.post(
            "/api/auth/register",
            json={"email": "x@example.com", "password": "fine-pass-42", "is_admin": True},
        )
        body = assert_problem(r, 422)
        assert any("is_admin" in e["field"] for e in body["errors"])


class TestToken:
    async def test_login_and_me(self, client: httpx.AsyncClient) -> None:
        user = await register_user(client, "me@example.com")
        r = await client.get("/api/auth/me", headers=user.headers)
        assert r.status_code == 200
        assert r.json()["email"] == "me@example.com"
        assert r.json()["id"] == user.id

    async def test_login_is_case_insensitive_on_email(self, client: httpx.AsyncClient) -> None:
        await register_user(client, "case@example.com")
        r = await client.post(
            "/api/auth/token", data={"username": "CASE@example.com", "password": TEST_PASSWORD}
        )
        assert r.status_code == 200
        assert r.json()["token_type"] == "bearer"

    async def test_wrong_password_and_unknown_user_are_401(self, client: httpx.AsyncClient) -> None:
        await register_user(client, "pw@example.com")
        for username, password in [("pw@example.com", "wrong-pass-1"), ("ghost@example.com", TEST_PASSWORD)]:
            r = await client.post("/api/auth/token", data={"username": username, "password": password})
            body = assert_problem(r, 401)
            assert body["detail"] == "Incorrect email or password."

    async def test_missing_form_fields_is_422(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.post("/api/auth/token", data={"username": "a@b.c"}), 422)


class TestBearer:
    async def test_no_credentials_is_401(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/auth/me")
        assert_problem(r, 401)
        assert r.headers["www-authenticate"] == "Bearer"

    @pytest.mark.parametrize("token", ["garbage", "a.b.c", "itk_not-a-real-key", ""])
    async def test_bad_tokens_are_401(self, client: httpx.AsyncClient, token: str) -> None:
        assert_problem(await client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}), 401)

    async def test_token_signed_with_other_key_is_401(
        self, client: httpx.AsyncClient, alice: UserCtx
    ) -> None:
        now = datetime.now(UTC)
        forged = jwt.encode(
            {"sub": str(alice.id), "iat": now, "exp": now + timedelta(hours=1), "typ": "access"},
            "some-other-secret-key-of-enough-length",
            algorithm="HS256",
        )
        assert_problem(await client.get("/api/auth/me", headers={"Authorization": f"Bearer {forged}"}), 401)

    async def test_expired_token_is_401(self, client: httpx.AsyncClient, app, alice: UserCtx) -> None:
        past = datetime.now(UTC) - timedelta(hours=2)
        expired = jwt.encode(
            {"sub": str(alice.id), "iat": past, "exp": past + timedelta(minutes=5), "typ": "access"},
            app.state.secret_key,
            algorithm="HS256",
        )
        r = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {expired}"})
        assert "expired" in assert_problem(r, 401)["detail"]

    async def test_token_of_deleted_user_is_401(self, client: httpx.AsyncClient, app, alice: UserCtx) -> None:
        async with app.state.engine.begin() as conn:
            await conn.exec_driver_sql(f"DELETE FROM users WHERE id = {alice.id}")
        assert_problem(await client.get("/api/auth/me", headers=alice.headers), 401)


class TestApiKeys:
    async def test_create_use_list_revoke(self, client: httpx.AsyncClient, alice: UserCtx) -> None:
        r = await client.post("/api/auth/api-keys", json={"name": "scripts"}, headers=alice.headers)
        assert r.status_code == 201
        created = r.json()
        key = created["key"]
        assert key.startswith("itk_") and created["prefix"] == key[:12]

        me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {key}"})
        assert me.status_code == 200 and me.json()["email"] == alice.email

        listed = (await client.get("/api/auth/api-keys", headers=alice.headers)).json()
        assert [k["name"] for k in listed] == ["scripts"]
        assert "key" not in listed[0]
        assert listed[0]["last_used_at"] is not None

        r = await client.delete(f"/api/auth/api-keys/{created['id']}", headers=alice.headers)
        assert r.status_code == 204
        r = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {key}"})
        assert "revoked" in assert_problem(r, 401)["detail"]

    async def test_key_is_stored_hashed(self, client: httpx.AsyncClient, app, alice: UserCtx) -> None:
        key = (await client.post("/api/auth/api-keys", json={"name": "k"}, headers=alice.headers)).json()[
            "key"
        ]
        async with app.state.engine.connect() as conn:
            stored = (await conn.exec_driver_sql("SELECT key_hash FROM api_keys")).scalar_one()
        assert key not in stored and len(stored) == 64

    async def test_expired_key_is_401(self, client: httpx.AsyncClient, app, alice: UserCtx) -> None:
        r = await client.post(
            "/api/auth/api-keys", json={"name": "short", "expires_in_days": 1}, headers=alice.headers
        )
        key = r.json()["key"]
        async with app.state.engine.begin() as conn:
            await conn.exec_driver_sql("UPDATE api_keys SET expires_at = now() - interval '1 minute'")
        assert_problem(await client.get("/api/auth/me", headers={"Authorization": f"Bearer {key}"}), 401)

    async def test_other_users_key_cannot_be_revoked(
        self, client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
    ) -> None:
        created = (await client.post("/api/auth/api-keys", json={"name": "a"}, headers=alice.headers)).json()
        r = await client.delete(f"/api/auth/api-keys/{created['id']}", headers=bob.headers)
        assert_problem(r, 404)
        assert (await client.get("/api/auth/api-keys", headers=bob.headers)).json() == []
        me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {created['key']}"})
        assert me.status_code == 200
