"""The staff side of the desk over HTTP: `/desk/...` pages and the `/api/staff/...` read API.

Owns: the sign-in guard (every page but the sign-in form and the style sheet needs a session;
signed out, a page redirects to the sign-in form and the read API answers 401), CSRF checks
(every POST carries the session's token; the sign-in form a double-submit cookie), the
session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS), security headers, and rendering
the templates. The numbers come from `queue.py` and `reports.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from intake.reference import normalize_reference

from ..errors import Refused
from ..export import vote_lines
from ..limits import read_body
from ..storage import Store
from . import plots, queue, reports
from .accounts import Accounts, StaffSession, same

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "kb_desk_session"
SIGN_IN_COOKIE = "kb_desk_signin"
MAX_FORM = 16_384
REPORT_TTL_S = 30  # a new request or vote shows in the report within this; an acknowledgement at once
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
NOTICES = {  # ?notice= codes (fixed sentences: nothing from the URL is shown)
    "signed-out": "You are signed out.",
    "expired": "Your session ended. Sign in again.",
}
NO_READ = "sign in, or send a read token: Authorization: Bearer <token> (kb desk token add NAME)"
Handler = Callable[[Request, StaffSession], Awaitable[Response]]


def templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(HERE / "templates"))
    t.env.autoescape = True  # every template, whatever its file name
    t.env.filters["pretty"] = lambda v: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, indent=1)
    return t


@dataclass
class Staff:
    store: Store
    policy: dict[str, Any]
    accounts: Accounts
    clock: Callable[[], dt.datetime]
    catalog_path: Path | None
    pages: Jinja2Templates
    _report: tuple[float, reports.Report, dict[str, str | None]] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ----- helpers ----------------------------------------------------------------------------
    def render(self, request: Request, template: str, status: int = 200, **ctx: Any) -> Response:
        ctx.setdefault("session", None)
        ctx.update(static="/desk/static/", base="/desk/", timezone=self.policy["calendar"]["timezone"])
        res = self.pages.TemplateResponse(request, template, ctx, status_code=status)
        res.headers.update(HEADERS)
        return res

    def session_of(self, request: Request) -> StaffSession | None:
        return self.accounts.session(request.cookies.get(SESSION_COOKIE))

    def guard(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """Signed out: to the sign-in form (GET) or 403 (POST). A POST must carry the session's CSRF token."""

        async def run(request: Request) -> Response:
            session = await run_in_threadpool(self.session_of, request)
            if session is None:
                if request.method != "GET":
                    return self.render(
                        request,
                        "error.html",
                        403,
                        title="Signed out",
                        message="You are not signed in. Sign in, then try again.",
                    )
                return _to_sign_in(request)
            if request.method == "POST":
                form = await _form(request)
                if not same(form.get("csrf", ""), session.csrf):
                    return self.render(
                        request,
                        "error.html",
                        403,
                        session=session,
                        title="Form refused",
                        message="This form did not come from your desk session (it may be old). "
                        "Go back, reload the page, and send it again.",
                    )
                request.state.form = form
            return await handler(request, session)

        return run

    # ----- sign-in and out ------------------------------------------------------------------------
    async def sign_in_form(
        self, request: Request, error: str = "", status: int = 200, name: str = "", next_: str | None = None
    ) -> Response:
        token = request.cookies.get(SIGN_IN_COOKIE) or secrets.token_urlsafe(32)
        res = self.render(
            request,
            "sign_in.html",
            status,
            csrf=token,
            error=error,
            name=name,
            next=_safe_next(request.query_params.get("next", "") if next_ is None else next_),
            notice=NOTICES.get(request.query_params.get("notice", ""), ""),
        )
        _cookie(res, request, SIGN_IN_COOKIE, token, path="/desk/sign-in")
        return res

    async def sign_in(self, request: Request) -> Response:
        form = await _form(request)
        cookie = request.cookies.get(SIGN_IN_COOKIE, "")
        back = form.get("next", "")  # where to go once signed in survives a failed attempt
        if not cookie or not same(form.get("csrf", ""), cookie):
            return await self.sign_in_form(request, "The sign-in form expired. Sign in again.", 403, next_=back)
        name, password = form.get("name", "")[:200], form.get("password", "")[:1000]
        if not name or not password:
            return await self.sign_in_form(request, "Enter your name and your password.", 400, name, back)
        result = await run_in_threadpool(self.accounts.sign_in, name, password)
        if result.token is None:
            return await self.sign_in_form(request, result.refused or "", 401, name, back)
        res = RedirectResponse(_safe_next(form.get("next", "")) or "/desk/", 303)
        _cookie(res, request, SESSION_COOKIE, result.token, path="/")
        res.delete_cookie(SIGN_IN_COOKIE, path="/desk/sign-in")
        return res

    async def sign_out(self, request: Request, session: StaffSession) -> Response:
        await run_in_threadpool(self.accounts.sign_out, request.cookies.get(SESSION_COOKIE))
        res = RedirectResponse("/desk/sign-in?notice=signed-out", 303)
        res.delete_cookie(SESSION_COOKIE, path="/")
        return res

    # ----- pages ---------------------------------------------------------------------------------------
    async def queue_page(self, request: Request, session: StaffSession) -> Response:
        f = queue.Filters.from_query(dict(request.query_params))
        rows, total = await run_in_threadpool(queue.queue, self.store, self.policy, f, self.clock())
        opts = await run_in_threadpool(queue.options, self.store, self.policy)
        return self.render(
            request, "queue.html", session=session, rows=rows, total=total, filters=f, options=opts, limit=queue.LIMIT
        )

    async def request_page(self, request: Request, session: StaffSession) -> Response:
        ref = normalize_reference(request.path_params["reference"])
        found = await run_in_threadpool(queue.detail, self.store, self.policy, ref, self.clock()) if ref else None
        if found is None:
            return self.render(
                request,
                "error.html",
                404,
                session=session,
                title="No such request",
                message="There is no request with this reference at this desk.",
            )
        return self.render(
            request, "request.html", session=session, d=found, notice=request.query_params.get("notice", "")
        )

    async def acknowledge(self, request: Request, session: StaffSession) -> Response:
        ref = normalize_reference(request.path_params["reference"]) or ""
        ok, _ = await run_in_threadpool(queue.acknowledge, self.store, self.policy, ref, session.user, self.clock())
        with self._lock:
            self._report = None  # attainment changed: the next report is computed afresh
        return RedirectResponse(f"/desk/requests/{quote(ref)}?notice={'acknowledged' if ok else 'already'}", 303)

    async def report_page(self, request: Request, session: StaffSession) -> Response:
        rep = await run_in_threadpool(self.report)
        return self.render(
            request,
            "report.html",
            session=session,
            report=rep,
            images="/desk/reports/",
            plotted=plots.plotted([t for s in rep.sections for t in s.tables]),
        )

    async def report_image(self, request: Request, session: StaffSession) -> Response:
        name = request.path_params["name"]
        image = await run_in_threadpool(self.plot, name)
        if image is None:
            return self.render(
                request,
                "error.html",
                404,
                session=session,
                title="No such image",
                message="This report has no such image (or nothing to plot yet).",
            )
        return Response(image, media_type="image/svg+xml", headers=HEADERS)

    def report(self) -> reports.Report:
        """The report, computed at most every REPORT_TTL_S: a page and its plots are fetched together."""
        with self._lock:
            t = time.monotonic()
            if self._report is None or t - self._report[0] > REPORT_TTL_S:
                rep = reports.build(self.store, self.policy, *reports.load_catalog(self.catalog_path), at=self.clock())
                self._report = (t, rep, {})
            return self._report[1]

    def plot(self, name: str) -> str | None:
        rep = self.report()
        with self._lock:
            images = self._report[2] if self._report else {}
        if name not in images:
            table = next((t for s in rep.sections for t in s.tables if t.plot == name), None)
            images[name] = plots.svg(table) if table else None
        return images[name]

    async def not_found(self, request: Request, session: StaffSession) -> Response:
        return self.render(
            request, "error.html", 404, session=session, title="Not found", message="There is no such page on the desk."
        )

    # ----- read API --------------------------------------------------------------------------------------
    async def api_feedback(self, request: Request) -> Response:
        """Votes per article as JSON lines' objects (the format of `kb desk export --what votes`)."""
        auth = request.headers.get("authorization", "")
        ok = auth.startswith("Bearer ") and await run_in_threadpool(self.accounts.read_token_ok, auth[7:].strip())
        if not ok and await run_in_threadpool(self.session_of, request) is None:
            raise Refused(401, [("$", NO_READ)], {"WWW-Authenticate": "Bearer"})

        rows = await run_in_threadpool(lambda: list(vote_lines(self.store)))
        return JSONResponse({"version": 1, "articles": rows}, headers={"Cache-Control": "no-store"})

    def routes(self) -> list[BaseRoute]:
        g = self.guard
        return [
            Route("/desk", lambda r: RedirectResponse("/desk/", 307)),
            Route("/desk/sign-in", self.sign_in_form, methods=["GET"]),
            Route("/desk/sign-in", self.sign_in, methods=["POST"]),
            Route("/desk/sign-out", g(self.sign_out), methods=["POST"]),
            Route("/desk/", g(self.queue_page), methods=["GET"]),
            Route("/desk/requests/{reference}", g(self.request_page), methods=["GET"]),
            Route("/desk/requests/{reference}/acknowledge", g(self.acknowledge), methods=["POST"]),
            Route("/desk/reports", g(self.report_page), methods=["GET"]),
            Route("/desk/reports/{name}", g(self.report_image), methods=["GET"]),
            Mount("/desk/static", StaticFiles(directory=str(HERE / "static")), name="desk-static"),
            Route("/desk/{rest:path}", g(self.not_found), methods=["GET", "POST"]),
            Route("/api/staff/feedback", self.api_feedback, methods=["GET"]),
        ]


def staff_routes(
    store: Store, policy: dict[str, Any], clock: Callable[[], dt.datetime], catalog_path: Path | None
) -> list[BaseRoute]:
    return Staff(store, policy, Accounts(store, clock), clock, catalog_path, templates()).routes()


async def _form(request: Request) -> dict[str, str]:
    if hasattr(request.state, "form"):
        return request.state.form
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await read_body(request.stream(), request.headers.get("content-length"), MAX_FORM)
    if kind != "application/x-www-form-urlencoded":
        return {}
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        return {}
    form = dict(pairs)
    request.state.form = form
    return form


def _safe_next(value: str) -> str:
    """Only a path of this desk's pages (no other host, no scheme) is a place to go after signing in."""
    ok = value.startswith("/desk/") and not value.startswith("//") and "\\" not in value and len(value) < 500
    return value if ok and all(c.isprintable() for c in value) else ""


def _to_sign_in(request: Request) -> Response:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    res = RedirectResponse(f"/desk/sign-in?next={quote(_safe_next(here))}", 303)
    res.headers.update(HEADERS)
    return res


def _cookie(res: Response, request: Request, name: str, value: str, path: str) -> None:
    res.set_cookie(name, value, path=path, httponly=True, samesite="lax", secure=request.url.scheme == "https")
