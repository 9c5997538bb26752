"""ASGI entry point for multi-process serving: `uvicorn recourse.asgi:app`."""

from __future__ import annotations

import gc

from recourse.bootstrap import build
from recourse.config import Settings
from recourse.web.app import create_app

app = create_app(build(Settings()))
# What the process holds once loaded (~276,000 objects: modules, the app, its routes, the
# mappers) lives as long as the process: leave it out of the garbage collector's full
# passes, each of which paused every request in flight for ~80 ms traversing it.
gc.freeze()
