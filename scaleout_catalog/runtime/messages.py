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
