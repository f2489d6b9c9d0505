"""A loopback TCP proxy in front of PostgreSQL that the fault tests break on purpose.

Clients (workers) connect to 127.0.0.1:<port>; each connection is forwarded to the server's TCP
port or Unix socket. The proxy follows the PostgreSQL wire protocol's framing in both directions
(it never changes a byte it forwards), so that it can act on one statement:

- cut():    closes every connection, both sides (the client sees the server go away);
- reset():  the same with SO_LINGER 0, so both sides get a TCP RST;
- down():   also refuses new connections until up() (a worker's network is gone);
- cut_after_reply(marker): the next reply to a statement whose text holds `marker` (and that
            returns a row) is not forwarded: the connection is closed as soon as the reply reaches
            the proxy. The server has committed by then (a reply is flushed after its commit), so the
            client loses the reply of a statement that took effect: a lost claim reply, for pull_task.

Clients must connect with sslmode=disable (the proxy has to read the statements); url() adds it.
"""
from __future__ import annotations

import socket
import struct
import threading
from urllib.parse import urlencode, urlsplit, urlunsplit

import sqlalchemy as sa

_SSL_REQUEST, _GSS_REQUEST = 80877103, 80877104


class _Link:
    """One client connection and its server connection, with a pump thread each way."""

    def __init__(self, proxy: "Proxy", client: socket.socket, server: socket.socket) -> None:
        self.proxy, self.client, self.server = proxy, client, server
        self.closed = False
        self.lock = threading.Lock()
        self.startup = True               # the client's first messages have no type byte
        self.single_byte_replies = 0      # SSL/GSS requests: the server answers with one byte
        self.statements: dict[bytes, bytes] = {}     # prepared statements' texts, by name
        self.awaiting_marked_reply = False
        self.held = bytearray()           # a marked reply, held back until it is complete

    def start(self) -> None:
        for target, name in ((self._client_to_server, "c2s"), (self._server_to_client, "s2c")):
            threading.Thread(target=target, name=f"proxy-{name}", daemon=True).start()

    def close(self, reset: bool = False) -> None:
        with self.lock:
            if self.closed:
                return
            self.closed = True
        for sock in (self.client, self.server):
            try:
                if reset:   # close() then sends RST instead of FIN
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                # Wakes the pump blocked in recv() (a close() alone would not, and the RST would wait for it).
                sock.shutdown(socket.SHUT_RD if reset else socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self.proxy._forget(self)

    # -- client -> server ------------------------------------------------------------------

    def _client_to_server(self) -> None:
        buffer = bytearray()
        try:
            while chunk := self.client.recv(65536):
                buffer += chunk
                self._look_at_client_messages(buffer)
                self.server.sendall(chunk)
        except OSError:
            pass
        self.close()

    def _look_at_client_messages(self, buffer: bytearray) -> None:
        """Consumes the complete messages in buffer; notes the ones whose reply is to be lost."""
        while True:
            if self.startup:
                if len(buffer) < 8:
                    return
                length, code = struct.unpack("!ii", buffer[:8])
                if len(buffer) < length:
                    return
                del buffer[:length]
                if code in (_SSL_REQUEST, _GSS_REQUEST):
                    self.single_byte_replies += 1
                else:
                    self.startup = False
                continue
            if len(buffer) < 5:
                return
            kind, length = buffer[0:1], struct.unpack("!i", buffer[1:5])[0]
            if len(buffer) < 1 + length:
                return
            body = bytes(buffer[5:1 + length])
            del buffer[:1 + length]
            if kind == b"P":                   # Parse: statement name, then its text
                name, _, rest = body.partition(b"\0")
                text = rest.partition(b"\0")[0]
                if name:                       # a prepared statement: later Binds name it only
                    self.statements[name] = text
            marker = self.proxy.armed_marker()
            if marker is None:
                continue
            if kind == b"Q" and marker in body:
                self.awaiting_marked_reply = True
            elif kind == b"P" and marker in text:
                self.awaiting_marked_reply = True
            elif kind == b"B":                 # Bind: portal name, then statement name
                statement = body.split(b"\0", 2)[1]
                if statement and marker in self.statements.get(statement, b""):
                    self.awaiting_marked_reply = True

    # -- server -> client ------------------------------------------------------------------

    def _server_to_client(self) -> None:
        buffer = bytearray()
        try:
            while chunk := self.server.recv(65536):
                buffer += chunk
                out = self._take_server_messages(buffer)
                if out is None:
                    self.close()               # the marked reply is dropped with the connection
                    return
                if out:
                    self.client.sendall(out)
        except OSError:
            pass
        self.close()

    def _take_server_messages(self, buffer: bytearray) -> bytes | None:
        """The bytes of buffer's complete messages that may go to the client now; None to cut."""
        out = bytearray()
        while True:
            if self.single_byte_replies:
                if not buffer:
                    break
                self.single_byte_replies -= 1
                out += buffer[:1]
                del buffer[:1]
                continue
            if len(buffer) < 5:
                break
            kind, length = buffer[0:1], struct.unpack("!i", buffer[1:5])[0]
            if len(buffer) < 1 + length:
                break
            message = bytes(buffer[:1 + length])
            del buffer[:1 + length]
            if not self.awaiting_marked_reply:
                out += message
                continue
            self.held += message
            if kind == b"Z":                   # ReadyForQuery: the reply is complete
                reply, self.held = bytes(self.held), bytearray()
                self.awaiting_marked_reply = False
                if self.proxy._fire(reply):
                    return None
                out += reply
        return bytes(out)


class Proxy:
    """Listens on 127.0.0.1 (port chosen by the system); forwards to upstream, a (host, port) or a
    Unix socket path. Use as a context manager, or call start() and close()."""

    def __init__(self, upstream: tuple[str, int] | str) -> None:
        self.upstream = upstream
        self._links: set[_Link] = set()
        self._lock = threading.Lock()
        self._down = False
        self._marker: bytes | None = None
        self._marker_rows_only = True
        self._fired = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self.connections_made = 0
        self.fired_count = 0

    def start(self) -> "Proxy":
        self._listener.listen(64)
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()
        return self

    def __enter__(self) -> "Proxy":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, url: str) -> str:
        """url (a postgresql:// URL) pointed at the proxy, TLS and GSS encryption off."""
        parts = urlsplit(url)
        credentials = parts.netloc.rpartition("@")[0]
        netloc = (credentials + "@" if credentials else "") + f"127.0.0.1:{self.port}"
        query = [(k, v) for k, v in (q.split("=", 1) for q in parts.query.split("&") if q)
                 if k not in ("host", "port", "sslmode", "gssencmode")]
        query += [("sslmode", "disable"), ("gssencmode", "disable")]
        return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))

    # -- faults ----------------------------------------------------------------------------

    def cut(self) -> int:
        """Closes every open connection (both sides); returns how many."""
        return self._close_all(reset=False)

    def reset(self) -> int:
        """Resets every open connection (TCP RST to both sides); returns how many."""
        return self._close_all(reset=True)

    def down(self) -> None:
        """Cuts every connection and refuses new ones until up()."""
        self._down = True
        self.cut()

    def up(self) -> None:
        self._down = False

    def cut_after_reply(self, marker: bytes, rows_only: bool = True) -> None:
        """Once: the reply to the next statement whose text holds marker (with rows_only, the next such
        reply that carries a row) is not forwarded, and its connection is closed."""
        with self._lock:
            self._marker, self._marker_rows_only = marker, rows_only
            self._fired.clear()

    def wait_fired(self, timeout: float) -> bool:
        return self._fired.wait(timeout)

    def close(self) -> None:
        self._down = True
        try:
            self._listener.close()
        except OSError:
            pass
        self._close_all(reset=False)

    # -- internals ---------------------------------------------------------------------------

    def armed_marker(self) -> bytes | None:
        return self._marker

    def _fire(self, reply: bytes) -> bool:
        """Whether this marked reply is the one to lose (then the proxy disarms)."""
        with self._lock:
            if self._marker is None:
                return False
            if self._marker_rows_only and not _has_data_row(reply):
                return False
            self._marker = None
            self.fired_count += 1
            self._fired.set()
            return True

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return                          # closed
            if self._down:
                client.close()
                continue
            try:
                server = _connect(self.upstream)
            except OSError:
                client.close()                  # the server is down: so is the connection
                continue
            for sock in (client, server):
                if sock.family == socket.AF_INET:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            link = _Link(self, client, server)
            with self._lock:
                self._links.add(link)
                self.connections_made += 1
            link.start()

    def _close_all(self, reset: bool) -> int:
        with self._lock:
            links = list(self._links)
        for link in links:
            link.close(reset=reset)
        return len(links)

    def _forget(self, link: _Link) -> None:
        with self._lock:
            self._links.discard(link)


def upstream_of(url: str) -> tuple[str, int] | str:
    """Where a postgresql:// URL connects: (host, port), or the Unix socket's path (?host=/dir)."""
    u = sa.engine.make_url(url)
    host, port = u.query.get("host") or u.host or "127.0.0.1", int(u.query.get("port") or u.port or 5432)
    return f"{host}/.s.PGSQL.{port}" if host.startswith("/") else (host, port)


def _connect(upstream: tuple[str, int] | str) -> socket.socket:
    if isinstance(upstream, str):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(5)
        sock.connect(upstream)
    else:
        sock = socket.create_connection(upstream, timeout=5)
    sock.settimeout(None)
    return sock


def _has_data_row(reply: bytes) -> bool:
    """Whether a reply (whole backend messages) holds a DataRow."""
    at = 0
    while at + 5 <= len(reply):
        if reply[at:at + 1] == b"D":
            return True
        at += 1 + struct.unpack("!i", reply[at + 1:at + 5])[0]
    return False


__all__ = ["Proxy", "upstream_of"]
