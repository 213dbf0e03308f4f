"""Security headers on every response (pure ASGI, so streamed responses stay streamed).

HTML pages (/docs, /redoc, /playground) also get a Content-Security-Policy: scripts only from
this origin (Swagger UI, ReDoc and the playground start from served .js files, never inline
code), nothing framed, no plugins, no <base> rewriting. Styles allow 'unsafe-inline' because
ReDoc (styled-components) injects <style> elements and Swagger UI sets style attributes.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)

ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

# As raw ASGI headers, added to a response's own list (cheaper than parsing it into Headers).
_ALWAYS_RAW = [(name.lower().encode(), value.encode()) for name, value in ALWAYS.items()]
_CSP = b"content-security-policy"
_CSP_VALUE = CONTENT_SECURITY_POLICY.encode()


class SecurityHeadersMiddleware:
    """Adds the headers a response does not set itself (a route may send a stricter policy)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def _send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower(): value for name, value in headers}
                headers += [(name, value) for name, value in _ALWAYS_RAW if name not in present]
                if present.get(b"content-type", b"").startswith(b"text/html") and _CSP not in present:
                    headers.append((_CSP, _CSP_VALUE))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, _send)
