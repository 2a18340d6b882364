"""The review editor's web server: Starlette routes that turn HTTP into ReviewSession calls.

Loopback only unless asked, and every request must carry the random token printed in the
address (header X-Aligntm-Token, or ?token= for the page and downloads): no other page or
process on the machine can drive it. The Host header must name this server (no DNS rebinding).
See PROTOCOL.md for the routes.
"""
from __future__ import annotations

import json
import secrets
import tempfile
import threading
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..errors import InputError
from .reviewed import EXPORT_FORMATS
from .rows import EditError
from .session import ReviewSession, StaleVersion

PAGE_DIR = Path(__file__).with_name("page")
MAX_BODY = 1 << 20   # an edit is a few hundred bytes; a sentence's new text a few thousand
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                    "Cache-Control": "no-store", "X-Frame-Options": "DENY"}


class BadRequest(Exception):
    pass


def page_html(nonce: str) -> str:
    """The page: index.html with its CSS and JS inlined (one request, nothing from elsewhere)."""
    html = (PAGE_DIR / "index.html").read_text(encoding="utf-8")
    css = (PAGE_DIR / "editor.css").read_text(encoding="utf-8")
    js = (PAGE_DIR / "editor.js").read_text(encoding="utf-8")
    return html.replace("{{nonce}}", nonce).replace("{{css}}", css).replace("{{js}}", js)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=SECURITY_HEADERS)


def create_app(sessions: list[ReviewSession], token: str, allowed_hosts: set[str] | None = None) -> Starlette:
    """The ASGI app serving SESSIONS (one per document) to requests that carry TOKEN.
    ALLOWED_HOSTS: the Host header values accepted (None: any, for tests of the app alone)."""
    page = page_html("{{nonce}}")   # the nonce is new for every response
    exports = threading.Lock()

    def authorised(request: Request) -> bool:
        given = request.headers.get("x-aligntm-token") or request.query_params.get("token") or ""
        return secrets.compare_digest(given.encode(), token.encode())

    def guard(handler):
        async def wrapped(request: Request):
            if allowed_hosts is not None and request.headers.get("host", "") not in allowed_hosts:
                return _error(400, "unexpected Host header")
            if not authorised(request):
                return _error(403, "this needs the access token: open the address aligntm review printed")
            try:
                return await handler(request)
            except BadRequest as e:
                return _error(400, str(e))
            except StaleVersion as e:
                return _error(409, str(e))
            except (EditError, InputError) as e:
                return _error(400, str(e))
        return wrapped

    def session_of(request: Request) -> ReviewSession:
        try:
            k = int(request.path_params["doc"])
        except (KeyError, ValueError):
            raise BadRequest("no such document") from None
        if not 0 <= k < len(sessions):
            raise BadRequest(f"no document {k} (there are {len(sessions)})")
        return sessions[k]

    async def body_of(request: Request) -> dict:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise BadRequest("send the request as JSON (Content-Type: application/json)")
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_BODY:
                raise BadRequest(f"request larger than {MAX_BODY} bytes")
        try:
            body = json.loads(raw or b"{}")
        except (ValueError, RecursionError):   # RecursionError: arrays nested thousands deep
            raise BadRequest("the request is not valid JSON") from None
        if not isinstance(body, dict):
            raise BadRequest("the request must be a JSON object")
        version = body.get("version")
        if isinstance(version, bool) or not isinstance(version, int):
            raise BadRequest("every edit sends the \"version\" of the state it was made on (a number)")
        return body

    async def run(function, *args):
        from starlette.concurrency import run_in_threadpool
        return await run_in_threadpool(function, *args)

    async def index(request: Request):
        nonce = secrets.token_urlsafe(16)
        csp = (f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; "
               f"img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
        return HTMLResponse(page.replace("{{nonce}}", nonce), headers={**SECURITY_HEADERS, "Content-Security-Policy": csp})

    async def documents(request: Request):
        return JSONResponse({"documents": [{"id": k, "name": s.review.name, "counts": s.review.counts()}
                                           for k, s in enumerate(sessions)], "current": 0},
                            headers=SECURITY_HEADERS)

    async def state(request: Request):
        session = session_of(request)
        return JSONResponse(await run(session.state), headers=SECURITY_HEADERS)

    async def edit(request: Request):
        session = session_of(request)
        body = await body_of(request)
        version = body.pop("version", None)
        return JSONResponse(await run(session.edit, body, version), headers=SECURITY_HEADERS)

    def step(name: str):
        async def handler(request: Request):
            session = session_of(request)
            body = await body_of(request)
            return JSONResponse(await run(getattr(session, name), body.get("version")), headers=SECURITY_HEADERS)
        return handler

    async def export(request: Request):
        session = session_of(request)
        fmt = request.query_params.get("format", "tmx")
        if fmt not in EXPORT_FORMATS:
            raise BadRequest(f"format must be one of {', '.join(EXPORT_FORMATS)}")
        confirmed_only = request.query_params.get("confirmed_only", "0") in ("1", "true", "yes")

        def write() -> bytes:
            with exports, tempfile.TemporaryDirectory(prefix="aligntm-export-") as tmp:
                out = Path(tmp) / f"export.{fmt}"
                session.review.write(out, fmt, confirmed_only)
                return out.read_bytes()

        data = await run(write)
        stem = Path(session.review.name).stem
        filename = f"{stem}.reviewed{'-confirmed' if confirmed_only else ''}.{fmt}"
        media = {"tmx": "application/x-tmx+xml", "tsv": "text/tab-separated-values",
                 "jsonl": "application/x-ndjson"}[fmt]
        return Response(data, media_type=media, headers={
            **SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'})

    async def not_found(request: Request, exc):
        return PlainTextResponse("not found", status_code=404, headers=SECURITY_HEADERS)

    async def bad_method(request: Request, exc):
        return PlainTextResponse("method not allowed", status_code=405, headers=SECURITY_HEADERS)

    routes = [
        Route("/", guard(index)),
        Route("/api/documents", guard(documents)),
        Route("/api/doc/{doc}/state", guard(state)),
        Route("/api/doc/{doc}/edit", guard(edit), methods=["POST"]),
        Route("/api/doc/{doc}/undo", guard(step("undo")), methods=["POST"]),
        Route("/api/doc/{doc}/redo", guard(step("redo")), methods=["POST"]),
        Route("/api/doc/{doc}/realign", guard(step("realign")), methods=["POST"]),
        Route("/api/doc/{doc}/export", guard(export)),
    ]
    return Starlette(routes=routes, exception_handlers={404: not_found, 405: bad_method})
