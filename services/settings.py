"""Server configuration from flags and FANGXIN_* environment variables, checked at start-up."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("fangxin"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FANGXIN_", extra="ignore")

    listen: str = "127.0.0.1:50051"
    database_url: str | None = None
    data_dir: Path = Field(default_factory=default_data_dir)
    grpc_workers: int = Field(default=64, ge=4, le=1024)
    db_pool_size: int = Field(default=8, ge=1, le=256)
    writer_queue_requests_max: int = Field(default=4096, ge=16, le=1_000_000)
    writer_batch_events_max: int = Field(default=16_380, ge=8190, le=1_000_000)
    shutdown_grace_s: float = Field(default=10.0, ge=0, le=300)
    # 0 turns the in-server scheduler off (then run `fangxin tick` from cron).
    scheduler_interval_s: float = Field(default=60.0, ge=0, le=86_400)

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
            raise ValueError("listen must be HOST:PORT, e.g. 127.0.0.1:50051")
        return value
