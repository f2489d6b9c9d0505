"""What a package's entry point receives: `def run(context: Context) -> None`."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping


class PackageCancelled(BaseException):
    """Raised in the package's main thread when catalog.stop_operation reaches it.

    A BaseException, so that a package's `except Exception` does not swallow it.
    """


@dataclass
class Context:
    """The execution as the package sees it.

    parameters: project and package parameters by name, typed (package ones win on a clash).
    logger: records become catalog.operation_messages (INFO 70, WARNING 110, ERROR 120).
    cancelled: set when the execution is being stopped; long loops should check it.
    """

    execution_id: int
    package_name: str
    attempt: int
    max_attempts: int
    parameters: Mapping[str, Any]
    project_parameters: Mapping[str, Any]
    package_parameters: Mapping[str, Any]
    logger: logging.Logger
    working_directory: Path
    project_directory: Path
    cancelled: threading.Event = field(default_factory=threading.Event)

    def check_cancelled(self) -> None:
        """Raises PackageCancelled if the execution is being stopped."""
        if self.cancelled.is_set():
            raise PackageCancelled(f"execution {self.execution_id} is being stopped")
