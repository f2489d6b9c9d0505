"""The manager's ASGI application: routes, sign-in, CSRF checks and error pages.

Endpoints are plain functions (Starlette runs them in its thread pool): each reads a view or calls
one catalog procedure through the signed-in person's own Catalog.
"""
from __future__ import annotations

import contextlib
import hmac
import logging
import secrets
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..catalog import Catalog
from ..connection import resolve_url
from . import dashboard, execute, executions, present, schedules, workers
from .auth import SignInError, sign_in
from .problems import describe
from .sessions import IDLE_SECONDS, LIFETIME_SECONDS, SESSION_COOKIE, Session, SessionStore

log = logging.getLogger("scaleout.web")
HERE = Path(__file__).resolve().parent
SIGNIN_COOKIE = "scaleout_signin"      # the sign-in form's CSRF token (double submit: no session yet)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class Manager:
    """What the routes share: the catalog's address, the sessions and the templates."""

    def __init__(self, url: str | None, secure_cookies: bool, idle_seconds: float, lifetime_seconds: float) -> None:
        self.base_url = resolve_url(url)
        self.secure_cookies = secure_cookies
        self.sessions = SessionStore(idle_seconds, lifetime_seconds)
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        present.install(self.templates.env)
        self._service: Catalog | None = None

    @property
    def service(self) -> Catalog:
        """The server's own connection (its --url login): health checks only, never a person's page."""
        if self._service is None:
            self._service = Catalog(self.base_url, pool_size=1, max_overflow=1)
        return self._service

    def close(self) -> None:
        self.sessions.end_all()
        if self._service is not None:
            self._service.dispose()

    # -- pages --------------------------------------------------------------------------------

    def page(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        session = getattr(request.state, "session", None)
        return self.templates.TemplateResponse(request, template, {"session": session, **context},
                                               status_code=status_code, headers=SECURITY_HEADERS)

    def problem(self, request: Request, status: int, message: str) -> Response:
        """An error: into the page's message area for htmx, else a page of its own."""
        if request.headers.get("HX-Request") == "true":
            response = self.page(request, "_flash.html", status_code=status, message=message, kind="error")
            response.headers.update({"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"})
            return response
        return self.page(request, "error.html", status_code=status, message=message)

    # -- sessions -----------------------------------------------------------------------------

    def signed_in(self, endpoint: Callable[[Request], Response]) -> Callable[[Request], Response]:
        """Wraps an endpoint: a session is required (else: sign in), POSTs carry its CSRF token, and a
        catalog refusal becomes its status and message."""
        def wrapped(request: Request) -> Response:
            session = self.sessions.get(request.cookies.get(SESSION_COOKIE))
            if session is None:
                if request.method == "GET" and request.headers.get("HX-Request") != "true":
                    return RedirectResponse(f"/signin?next={request.url.path}", status_code=303)
                return self.problem(request, 401, "Your session has ended: sign in again.")
            request.state.session = session
            if request.method == "POST" and not self.csrf_ok(request, session):
                return self.problem(request, 403, "This request did not come from a page of this manager (its CSRF "
                                                  "token is missing or wrong). Reload the page and try again.")
            try:
                return endpoint(request)
            except Exception as exc:  # noqa: BLE001
                described = describe(exc)
                if described is None:
                    raise
                return self.problem(request, *described)
        return wrapped

    def csrf_ok(self, request: Request, session: Session) -> bool:
        if not same_origin(request):
            return False
        token = request.headers.get("X-CSRF-Token") or request.state.form.get("csrf_token", "")
        return hmac.compare_digest(str(token).encode(), session.csrf_token.encode())


def same_origin(request: Request) -> bool:
    """A browser's POST from another site says so in Origin (or Referer): refuse it. None given: a
    non-browser client, which still needs the CSRF token."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return source is None
    return urlsplit(source).netloc == request.headers.get("Host", "")


def create_app(url: str | None = None, *, secure_cookies: bool = False, idle_seconds: float = IDLE_SECONDS,
               lifetime_seconds: float = LIFETIME_SECONDS) -> Starlette:
    """The manager for the catalog at `url` (default: SCALEOUT_URL, else the embedded PostgreSQL).
    secure_cookies: served over TLS, so cookies are marked Secure."""
    manager = Manager(url, secure_cookies, idle_seconds, lifetime_seconds)

    async def with_form(request: Request) -> None:
        """Reads a POST's form before the (threaded) endpoint runs; bounded in size by Starlette."""
        request.state.form, request.state.form_lists = {}, {}
        if request.method == "POST":
            try:
                form = await request.form(max_files=0, max_fields=500)
            except Exception:  # noqa: BLE001  (a body that is no form, or too large a one)
                raise HTTPException(400, "The request's form could not be read.") from None
            request.state.form = {k: v for k, v in form.items() if isinstance(v, str)}
            request.state.form_lists = {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form.keys()}

    def routed(endpoint: Callable[[Request], Response], signed_in: bool = True) -> Callable:
        inner = manager.signed_in(endpoint) if signed_in else endpoint

        async def handler(request: Request) -> Response:
            await with_form(request)
            return await run_in_threadpool(inner, request)
        return handler

    def signin_page(request: Request, message: str | None = None, status: int = 200) -> Response:
        token = request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(32)
        response = manager.page(request, "signin.html", status_code=status, message=message, signin_token=token,
                                next=_safe_next(request.query_params.get("next")),
                                login=request.state.form.get("login", "") if message else "")
        response.set_cookie(SIGNIN_COOKIE, token, httponly=True, samesite="strict", secure=manager.secure_cookies)
        return response

    def signin(request: Request) -> Response:
        if request.method == "GET":
            return signin_page(request)
        form = request.state.form
        expected = request.cookies.get(SIGNIN_COOKIE, "")
        if not same_origin(request) or not expected or \
                not hmac.compare_digest(form.get("signin_token", "").encode(), expected.encode()):
            return signin_page(request, "This sign-in did not come from this manager's page. Try again.", 403)
        try:
            session = sign_in(manager.base_url, form.get("login", ""), form.get("password", ""))
        except SignInError as exc:
            return signin_page(request, str(exc), 401)
        old = request.cookies.get(SESSION_COOKIE)
        manager.sessions.end(old)
        response = RedirectResponse(_safe_next(form.get("next")), status_code=303)
        response.set_cookie(SESSION_COOKIE, manager.sessions.add(session), httponly=True, samesite="strict",
                            secure=manager.secure_cookies)
        response.delete_cookie(SIGNIN_COOKIE)
        return response

    def signout(request: Request) -> Response:
        manager.sessions.end(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/signin", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    def home(request: Request) -> Response:
        return RedirectResponse("/dashboard", status_code=303)

    def healthz(request: Request) -> Response:
        return PlainTextResponse("ok\n")

    def readyz(request: Request) -> Response:
        from .. import migrate
        try:
            current, head = migrate.current(manager.service.engine), migrate.head()
        except Exception as exc:  # noqa: BLE001  (not ready, whatever the reason; say it in one line)
            described = describe(exc)
            return PlainTextResponse(f"not ready: {described[1] if described else type(exc).__name__}\n", 503)
        if current != head:
            return PlainTextResponse(f"not ready: the catalog is at revision {current}, this manager needs {head}: "
                                     "run scaleout db upgrade\n", 503)
        return PlainTextResponse(f"ready: catalog revision {current}\n")

    def metrics(request: Request) -> Response:
        from .metrics import render
        return Response(render(manager.service), media_type="text/plain; version=0.0.4; charset=utf-8")

    routes = [
        Route("/", routed(home), methods=["GET"]),
        Route("/signin", routed(signin, signed_in=False), methods=["GET", "POST"]),
        Route("/signout", routed(signout), methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", routed(readyz, signed_in=False), methods=["GET"]),
        Route("/metrics", routed(metrics, signed_in=False), methods=["GET"]),
        *dashboard.routes(manager, routed),
        *workers.routes(manager, routed),
        *executions.routes(manager, routed),
        *execute.routes(manager, routed),
        *schedules.routes(manager, routed),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        request.state.session = None
        return manager.page(request, "error.html", status_code=404, message=f"There is no page at {request.url.path}.")

    async def method_not_allowed(request: Request, exc: Exception) -> Response:
        return PlainTextResponse("method not allowed\n", status_code=405)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        yield
        manager.close()

    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: method_not_allowed}, lifespan=lifespan)
    app.state.manager = manager
    return app


def _safe_next(target: str | None) -> str:
    """Where to go after sign-in: a path on this site only (never another site: an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
