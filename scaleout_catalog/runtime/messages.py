"""SSIS's operation_messages codes, as the runtime and the worker write them."""
from __future__ import annotations

import logging
from enum import IntEnum


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
