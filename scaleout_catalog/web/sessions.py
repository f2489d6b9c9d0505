"""Signed-in sessions, held in the server's memory only.

The browser holds a random session id (HttpOnly cookie) and nothing else: the login's password stays
in this process, inside the session's database engine, and is gone when the session ends. Sessions end
at sign-out, after an idle time and after an absolute lifetime; a restart of the server ends them all.
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from ..catalog import Catalog

SESSION_COOKIE = "scaleout_session"    # the browser's random session id, and nothing else
IDLE_SECONDS = 30 * 60          # signed out after this long without a request
LIFETIME_SECONDS = 12 * 60 * 60  # and after this long in any case


@dataclass
class Session:
    login: str
    catalog: Catalog
    roles: frozenset[str]
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    created: float = field(default_factory=time.monotonic)
    last_seen: float = field(default_factory=time.monotonic)

    @property
    def is_admin(self) -> bool:
        return "ssis_admin" in self.roles

    @property
    def may_execute(self) -> bool:
        return bool(self.roles & {"ssis_admin", "ssis_cluster_executor"})


class SessionStore:
    def __init__(self, idle_seconds: float = IDLE_SECONDS, lifetime_seconds: float = LIFETIME_SECONDS) -> None:
        self.idle_seconds, self.lifetime_seconds = idle_seconds, lifetime_seconds
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def add(self, session: Session) -> str:
        session_id = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[session_id] = session
        return session_id

    def get(self, session_id: str | None) -> Session | None:
        """The live session for an id (its idle clock restarted), or None; expired ones are ended here."""
        now = time.monotonic()
        expired: list[Session] = []
        with self._lock:
            for sid, s in list(self._sessions.items()):
                if now - s.last_seen > self.idle_seconds or now - s.created > self.lifetime_seconds:
                    expired.append(self._sessions.pop(sid))
            session = self._sessions.get(session_id) if session_id else None
            if session is not None:
                session.last_seen = now
        for s in expired:
            s.catalog.dispose()
        return session

    def end(self, session_id: str | None) -> None:
        with self._lock:
            session = self._sessions.pop(session_id, None) if session_id else None
        if session is not None:
            session.catalog.dispose()

    def end_all(self) -> None:
        with self._lock:
            sessions, self._sessions = list(self._sessions.values()), {}
        for s in sessions:
            s.catalog.dispose()
