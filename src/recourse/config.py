"""Settings from the environment (RECOURSE_*), read once at start-up and passed down."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RECOURSE_", extra="ignore")

    data_dir: Path = Path(".recourse")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file in data_dir"
    )
    secret_key: str = Field(
        default="",
        description="root of the install's secrets (cookies, sandbox webhooks); "
        "unset: one is made and stored per install",
    )
    clock: Literal["system", "demo"] = "system"
    smtp_url: str | None = Field(default=None, description="smtp://user:pass@host:port")
    mail_from: str = "Recourse <no-reply@recourse.example>"
    base_url: str = "http://127.0.0.1:8000"
    embedded_worker: bool = True
    worker_poll_seconds: float = 1.0
    worker_batch: int = 50
    worker_lease_seconds: int = Field(
        default=60, description="a claimed message returns to the queue this long after a crash"
    )
    worker_max_attempts: int = 12
    refund_max_attempts: int = 8
    gateway: Literal["sandbox", "stripe"] = "sandbox"
    stripe_api_key: str | None = None
    stripe_api_base: str | None = Field(
        default=None, description="override, e.g. for a test server"
    )
    stripe_webhook_secret: str | None = None
    login_max_failures: int = 5
    login_max_failures_per_client: int = Field(
        default=20, ge=1, description="failed sign-ins per 15 min from one client, across accounts"
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="reverse proxies (IPs or CIDRs, comma-separated) whose forwarded client is "
        "believed; empty: the connection's peer is the client",
    )
    reference_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        description="how long a process keeps platform settings, reasons, settlement profiles",
    )
    web_pool_size: int = Field(
        default=10,
        ge=1,
        description="database connections per engine (two per process); also the most "
        "requests a web process runs in its thread pool at once",
    )
    db_ping_after_idle: float = Field(
        default=1.0,
        ge=0,
        description="PostgreSQL: a pooled connection unused this many seconds is checked with "
        "a round trip before it is handed out (a busy one is not)",
    )
    secure_cookies: bool = False
    webhook_allow_private: bool = Field(
        default=False,
        description="T2: let webhooks reach loopback and private addresses (tests, local demos)",
    )
    file_store_url: str | None = Field(
        default=None,
        description="T6: s3://bucket?endpoint=…&region=… for an S3-compatible bucket (AWS "
        "credentials from the standard AWS settings); default: evidence/ in data_dir",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: object) -> object:
        """`10.0.0.1, 192.168.0.0/16` or a JSON list; an entry that is no address is an error."""
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else text.replace(",", " ").split()
        if not isinstance(value, list):
            return value
        return [str(ipaddress.ip_network(str(entry).strip(), strict=False)) for entry in value]

    @property
    def session_cookie_secure(self) -> bool:
        """T4: the session cookie is sent over https only whenever the service is served so."""
        return self.secure_cookies or self.base_url.lower().startswith("https://")

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'recourse.db').resolve()}"

    @property
    def mailbox_dir(self) -> Path:
        return self.data_dir / "mailbox"
