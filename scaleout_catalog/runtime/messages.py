"""SSIS's operation_messages codes, and the limits every message is held to before it is stored."""
from __future__ import annotations

import logging
import re
from enum import IntEnum

# operation_messages.message is text (PostgreSQL) / nvarchar(max) (SQL Server): the databases set no
# bound, so this is ours. One message keeps its first 64 Ki characters; a note says how many were cut.
MAX_MESSAGE_CHARS = 64 * 1024
# And one attempt keeps its first 8 Mi characters of package output (about 8,000 lines of 1 KiB);
# what a runaway package writes beyond that is counted, not stored, and one message says so.
LOG_BUDGET_CHARS = 8 * 1024 * 1024

# What the catalogs refuse in a message: NUL (PostgreSQL text cannot hold it) and UTF-16 surrogates,
# which are not characters (UTF-8 cannot encode them; a JSON \ud800 escape without its pair is invalid).
_INVALID = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


class MessageType(IntEnum):
    ERROR = 120
    WARNING = 110
    INFORMATION = 70
    DIAGNOSTIC = 90
    PRE_EXECUTE = 30
    POST_EXECUTE = 40
    STATUS_CHANGE = 50
    TASK_FAILED = 130


class MessageSource(IntEnum):
    ENTRY_API = 10          # the catalog's procedures
    EXTERNAL_PROCESS = 20   # the worker and the package process (ISServerExec)
    PACKAGE = 30            # the package's own log records and output


def message_type_for(levelno: int) -> MessageType:
    """A Python logging level as an SSIS message type."""
    if levelno >= logging.ERROR:
        return MessageType.ERROR
    if levelno >= logging.WARNING:
        return MessageType.WARNING
    if levelno >= logging.INFO:
        return MessageType.INFORMATION
    return MessageType.DIAGNOSTIC


def clean_message(text: str, omitted: int = 0, limit: int = MAX_MESSAGE_CHARS) -> str:
    """text as every catalog can store it: invalid code points replaced with U+FFFD, at most limit
    characters, and a note that says what was changed. omitted: characters already cut before."""
    if not isinstance(text, str):
        text = str(text)
    if len(text) > limit:
        omitted += len(text) - limit
        text = text[:limit]
    text, replaced = _INVALID.subn(REPLACEMENT, text)
    notes = []
    if replaced:
        notes.append(f"{replaced} invalid character{'s' if replaced > 1 else ''} replaced with U+FFFD")
    if omitted:
        notes.append(f"truncated: {omitted} characters beyond the first {limit} dropped")
    return f"{text} [scaleout: {'; '.join(notes)}]" if notes else text


def escape_message(text: str) -> str:
    """A harder form for a catalog that refused a cleaned message (a database whose encoding is not
    UTF-8, say): printable ASCII, everything else as a backslash escape, with a note."""
    escaped = text.encode("ascii", "backslashreplace").decode("ascii")
    escaped = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", escaped)
    return f"{escaped} [scaleout: escaped to ASCII: the catalog refused the message as it was]"


MASK = "********"


class Masker:
    """Hides sensitive parameter values in a message, and says how long a line to hold so that a
    value across the MAX_MESSAGE_CHARS cut is still hidden whole."""

    def __init__(self, secrets: list[str]) -> None:
        self._secrets = sorted((s for s in secrets if s), key=len, reverse=True)
        self.line_capacity = MAX_MESSAGE_CHARS + (len(self._secrets[0]) if self._secrets else 0)

    def __call__(self, text: str, omitted: int = 0) -> tuple[str, int]:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        if len(text) > MAX_MESSAGE_CHARS:
            omitted += len(text) - MAX_MESSAGE_CHARS
            text = text[:MAX_MESSAGE_CHARS]
        return text, omitted


class Lines:
    """Splits written text into lines for sink(message_type, line, omitted), holding at most capacity
    characters of the current one: the rest of a longer line is counted, not kept (a package may
    write megabytes without a newline)."""

    def __init__(self, sink, message_type: int, capacity: int) -> None:
        self._sink, self._type, self._capacity = sink, message_type, capacity
        self._line, self._omitted = "", 0

    def feed(self, text: str) -> None:
        *complete, rest = text.split("\n")
        for piece in complete:
            self._append(piece)
            self.end()
        self._append(rest)

    def _append(self, piece: str) -> None:
        room = self._capacity - len(self._line)
        if len(piece) > room:
            self._omitted += len(piece) - room
            piece = piece[:room]
        self._line += piece

    @property
    def partial(self) -> bool:
        return bool(self._line or self._omitted)

    def end(self) -> None:
        """The current line is complete (a newline, or the end of the output)."""
        line, omitted, self._line, self._omitted = self._line, self._omitted, "", 0
        self._sink(self._type, line.removesuffix("\r"), omitted)
