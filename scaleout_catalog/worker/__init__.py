"""The Scale Out Worker: registers, claims, runs packages in their own processes, reports.

agent.py is the control loop; state.py the worker's directory (identity, leases,
spool, project cache); logship.py sends package messages in batches and spools them
when the database is away; wakeup.py hears LISTEN/NOTIFY; backoff.py paces reconnects.
"""
from .agent import Worker, WorkerOptions

__all__ = ["Worker", "WorkerOptions"]
