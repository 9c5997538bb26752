"""JSON API v1 (§12), one module per resource."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1")
