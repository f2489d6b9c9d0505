"""The package runtime: the ISServerExec analogue.

Each execution attempt runs in its own process, forked from a pre-imported fork
server (isolation without a fresh interpreter's start-up cost), in its own process
group and working directory. child.py is what runs in that process; context.py is
what the package's entry point receives; launcher.py starts and stops the processes.
"""
from .context import Context, PackageCancelled
from .messages import MessageSource, MessageType

__all__ = ["Context", "PackageCancelled", "MessageSource", "MessageType"]
