"""/docs and /redoc served entirely by the app: no CDN, no inline scripts.

Swagger UI and ReDoc come from the installed `fastapi-offline` package (its wheel ships
swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js and a favicon), mounted at
/docs-assets. The pages start them from served files under /static/docs/, so the
Content-Security-Policy needs no 'unsafe-inline' for scripts.
"""

from __future__ import annotations

import json
import re
from functools import cache
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.openapi.docs import get_swagger_ui_oauth2_redirect_html, swagger_ui_default_parameters
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs-assets"
ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))
DOCS_URL = "/docs"
REDOC_URL = "/redoc"
REDOC_REMOTE_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
BLANK_IMAGE = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def _json_for_html(value: Any) -> str:
    """JSON safe inside a <script type="application/json"> element."""
    return json.dumps(jsonable_encoder(value)).replace("<", "\\u003c").replace(">", "\\u003e")


@cache
def oauth2_redirect_script() -> str:
    """Swagger UI's OAuth2 redirect code, taken from FastAPI's own page and served as a file."""
    html = bytes(get_swagger_ui_oauth2_redirect_html().body).decode()
    match = re.search(r"<script>(.*?)</script>", html, re.DOTALL)
    if match is None:  # pragma: no cover - FastAPI changed its page
        raise RuntimeError("FastAPI's OAuth2 redirect page has no inline script")
    return match.group(1)


@cache
def redoc_script() -> bytes:
    """ReDoc's bundle with its one remote fetch (the menu's Redocly logo, from cdn.redoc.ly)
    pointed at a blank image, so the page reaches no other host and breaks no CSP rule."""
    bundle = (ASSETS_DIR / "redoc.standalone.js").read_text(encoding="utf-8")
    return bundle.replace(REDOC_REMOTE_LOGO, BLANK_IMAGE).encode()


def install_docs(app: FastAPI) -> None:
    """Serve /docs, /docs/oauth2-redirect and /redoc (create the app with docs_url=None, redoc_url=None)."""

    @app.get(f"{ASSETS_URL}/redoc.standalone.js", include_in_schema=False)
    async def redoc_bundle() -> Response:
        # Registered before the mount below, which serves the package's other files as they are.
        return Response(
            redoc_script(), media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"}
        )

    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    redirect_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        config = {
            **swagger_ui_default_parameters,
            "url": f"{root}{app.openapi_url}",
            "validatorUrl": None,  # the default sends the schema to validator.swagger.io
            **(app.swagger_ui_parameters or {}),
            "oauth2RedirectPath": f"{root}{redirect_url}",
            "initOAuth": app.swagger_ui_init_oauth,
        }
        return HTMLResponse(f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(app.title)} - Swagger UI</title>
  <link rel="stylesheet" href="{root}{ASSETS_URL}/swagger-ui.css">
  <link rel="icon" href="{root}{ASSETS_URL}/favicon.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script id="swagger-config" type="application/json">{_json_for_html(config)}</script>
  <script src="{root}{ASSETS_URL}/swagger-ui-bundle.js"></script>
  <script src="{root}/static/docs/swagger-init.js"></script>
</body>
</html>
""")

    @app.get(redirect_url, include_in_schema=False)
    async def swagger_ui_redirect(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return HTMLResponse(f"""<!doctype html>
<html lang="en-US">
<head><title>Swagger UI: OAuth2 Redirect</title></head>
<body><script src="{root}{redirect_url}.js"></script></body>
</html>
""")

    @app.get(f"{redirect_url}.js", include_in_schema=False)
    async def swagger_ui_redirect_script() -> Response:
        return Response(oauth2_redirect_script(), media_type="text/javascript")

    @app.get(REDOC_URL, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return HTMLResponse(f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(app.title)} - ReDoc</title>
  <link rel="icon" href="{root}{ASSETS_URL}/favicon.png">
  <link rel="stylesheet" href="{root}/static/docs/redoc.css">
</head>
<body>
  <noscript>ReDoc needs JavaScript; the raw schema is at <a href="{root}{app.openapi_url}">{app.openapi_url}</a>.</noscript>
  <redoc spec-url="{root}{app.openapi_url}"></redoc>
  <script src="{root}{ASSETS_URL}/redoc.standalone.js"></script>
</body>
</html>
""")
