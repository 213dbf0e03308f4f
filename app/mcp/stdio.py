"""``interview-api mcp``: the MCP server over stdio, for desktop assistants.

The process talks to the database directly, as the API server does (the same app object, so the
same services, settings and model provider), acting for the owner of ``INTERVIEW_API_KEY``.
Stdout carries only MCP messages; everything else goes to stderr.
"""

from __future__ import annotations

from fastapi import FastAPI

from app.mcp.session import authenticate, credential


async def serve(app: FastAPI, api_key: str) -> None:
    """Serve MCP on stdin/stdout until the client closes it. Raises ``AppError`` (401) at once
    when the key is not valid, so a misconfigured assistant fails loudly."""
    async with app.router.lifespan_context(app):
        async with app.state.sessionmaker() as session:
            await authenticate(app, session, api_key)
        credential.set(api_key)  # checked again on every call: a revoked key stops working
        await app.state.mcp.run_stdio_async()
