"""The web Scale Out Manager: SSIS's Scale Out Manager and the catalog reports, served by `scaleout web`.

Server-rendered (Starlette, Jinja2) with htmx; every read and action runs under the signed-in person's
own database login, so that the catalog's roles stay the one authority, as in SSMS.
"""
from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
