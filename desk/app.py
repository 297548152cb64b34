"""The desk's HTTP side: a Starlette app factory and its routes (served by uvicorn).

Owns: turning HTTP into calls on `Receiver` (content type, body size, rate limit, the
Idempotency-Key and X-KB-Honeypot headers) and every answer into JSON; starting and
stopping the outbox worker with the app. Errors are always `{"errors": [{"path",
"message"}]}`, never an HTML page or a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .config import Settings
from .cors import SiteCORS
from .errors import Refused
from .limits import RateLimiter, read_body
from .outbox import Outbox
from .receive import Answer, Receiver, load_articles, load_policy
from .staff.routes import staff_routes
from .storage import Store, now

log = logging.getLogger("desk")


def create_app(
    settings: Settings, store: Store | None = None, outbox: Outbox | None = None, clock: Callable[[], dt.datetime] = now
) -> Starlette:
    """The ASGI app; the database must already be migrated (`desk.migrations.upgrade`).

    `clock` is the desk's "now" (receipt times, the queue's countdowns); tests pass their own.
    """
    store = store or Store(settings.db_url)
    receiver = Receiver(settings, store, load_policy(settings), load_articles(settings), clock)
    worker = (
        outbox if outbox is not None else (Outbox(settings, store, receiver.policy) if receiver.forward_to else None)
    )
    limiter = RateLimiter(settings.limits.rate, settings.limits.burst)

    async def body(request: Request) -> bytes:
        limiter.check(request.client.host if request.client else "?")
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise Refused(415, [("$", f"Content-Type must be application/json, got '{kind[:60] or 'none'}'")])
        return await read_body(request.stream(), request.headers.get("content-length"), settings.limits.max_body)

    async def post_request(request: Request) -> Response:
        raw = await body(request)
        answer = await run_in_threadpool(
            receiver.request, raw, request.headers.get("idempotency-key"), request.headers.get("x-kb-honeypot")
        )
        if answer.status == 201 and worker is not None:
            worker.wake()
        return _json(answer)

    async def get_request(request: Request) -> Response:
        limiter.check(request.client.host if request.client else "?")  # no guessing references
        return _json(await run_in_threadpool(receiver.status, request.path_params["reference"]))

    async def post_feedback(request: Request) -> Response:
        return _json(await run_in_threadpool(receiver.feedback, await body(request)))

    async def post_deflection(request: Request) -> Response:
        return _json(await run_in_threadpool(receiver.deflection, await body(request)))

    async def health(request: Request) -> Response:
        try:
            await run_in_threadpool(store.ping)
        except (sa.exc.SQLAlchemyError, OSError) as exc:  # any driver error means "not reachable"
            log.warning("health: database not reachable: %s", exc)
            return _errors(503, [("$", "the database is not reachable")])
        return JSONResponse({"status": "ok", "database": "reachable"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if worker is not None:
            worker.start()
        try:
            yield
        finally:
            if worker is not None:
                await run_in_threadpool(worker.stop)
            store.close()

    routes = [
        Route("/api/requests", post_request, methods=["POST"]),
        Route("/api/requests/{reference}", get_request, methods=["GET"]),
        Route("/api/feedback", post_feedback, methods=["POST"]),
        Route("/api/deflections", post_deflection, methods=["POST"]),
        Route("/api/health", health, methods=["GET"]),
        *staff_routes(store, receiver.policy, clock, settings.kb_export or settings.site_dir),
    ]
    handlers: dict[Any, Callable[..., Any]] = {Refused: _refused, HTTPException: _http_error, Exception: _crash}
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers=handlers,
        middleware=[Middleware(SiteCORS, origins=settings.site_origins)],
    )
    app.state.receiver = receiver
    app.state.outbox = worker
    return app


def _json(answer: Answer) -> Response:
    if answer.body is None:
        return Response(status_code=answer.status)
    return JSONResponse(answer.body, status_code=answer.status)


def _errors(status: int, problems: list[tuple[str, str]], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(Refused(status, problems).body(), status_code=status, headers=headers)


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return _errors(exc.status, exc.problems, exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    text = {
        404: f"no such endpoint: {request.url.path[:100]}",
        405: f"method {request.method} is not allowed here",
    }.get(exc.status_code, str(exc.detail))
    return _errors(exc.status_code, [("$", text)], dict(exc.headers or {}))


async def _crash(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return _errors(
        500,
        [
            (
                "$",
                "the desk had an internal error; send the same request again later "
                "(the desk never stores one id twice)",
            )
        ],
    )
