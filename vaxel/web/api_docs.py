"""The REST API's documentation page (issue 9 §9): Swagger UI served by the app itself.

FastAPI's own ``/docs`` fetches Swagger UI from a CDN and starts it with an inline script, so
the page was blank on a machine without internet and needed a looser CSP than the rest of the
site. Here the bundle comes from the ``fastapi-offline`` package (installed from PyPI with the
app, nothing vendored in this repo), mounted under ``/api/docs/assets``; the page is a template
and its start-up script is ``static/api-docs.js``, so the site's one CSP covers it.

The OpenAPI document lists only the REST API (paths under ``/api/``): the HTML pages and the
admin forms are no interface for integrations, and a form route in the document invited
clients to script the admin pages.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from vaxel.web.rendering import render

__all__ = ["DOCS_PATH", "OPENAPI_PATH", "api_openapi", "install_api_docs"]

DOCS_PATH = "/api/docs"
OPENAPI_PATH = "/api/openapi.json"
ASSETS_PATH = "/api/docs/assets"


def _assets_directory() -> Path:
    """Where the installed ``fastapi-offline`` keeps Swagger UI's bundle and stylesheet."""
    return Path(str(files("fastapi_offline") / "static"))


def api_openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document of the paths under ``/api/`` only, with the schemas they use
    (cached like FastAPI's own). FastAPI builds the whole document — it knows how to walk
    included routers — and the page routes are dropped from it afterwards."""
    if app.openapi_schema is None:
        document = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        document["paths"] = {
            path: operations
            for path, operations in document.get("paths", {}).items()
            if path.startswith("/api/")
        }
        schemas = document.get("components", {}).get("schemas", {})
        used = _referenced_schemas(document["paths"], schemas)
        if schemas:
            document["components"]["schemas"] = {k: v for k, v in schemas.items() if k in used}
        app.openapi_schema = document
    return app.openapi_schema


def _referenced_schemas(paths: dict[str, Any], schemas: dict[str, Any]) -> set[str]:
    """Names of the component schemas reachable from ``paths`` through ``$ref``."""
    prefix = "#/components/schemas/"
    found: set[str] = set()
    pending: list[Any] = [paths]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(prefix):
                name = ref.removeprefix(prefix)
                if name not in found and name in schemas:
                    found.add(name)
                    pending.append(schemas[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found


def install_api_docs(app: FastAPI) -> None:
    """Serve ``/api/openapi.json`` (REST API only) and the offline Swagger UI page. The app
    must be created with ``docs_url=None, redoc_url=None, openapi_url=OPENAPI_PATH``."""
    app.openapi = lambda: api_openapi(app)  # type: ignore[method-assign]
    app.mount(ASSETS_PATH, StaticFiles(directory=str(_assets_directory())), "api-docs-assets")

    @app.get(DOCS_PATH, include_in_schema=False, response_class=HTMLResponse)
    def api_docs(request: Request) -> Response:
        return render(request, "api_docs.html", None, assets=ASSETS_PATH, openapi_url=OPENAPI_PATH)
