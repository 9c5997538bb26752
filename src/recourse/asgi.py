"""ASGI entry point for multi-process serving: `uvicorn recourse.asgi:app`."""

from __future__ import annotations

from recourse.bootstrap import build
from recourse.config import Settings
from recourse.web.app import create_app

app = create_app(build(Settings()))
