"""`fangxin` command line: serve, migrate."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pydantic import ValidationError

from ledger.pg import migrate
from ledger.pg.database import start_embedded
from services.settings import Settings


def _database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    print(f"no database URL: starting embedded PostgreSQL in {settings.data_dir}", flush=True)
    return start_embedded(settings.data_dir)


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {
        key: value
        for key, value in (
            ("listen", getattr(args, "listen", None)),
            ("database_url", args.database_url),
            ("data_dir", args.data_dir),
        )
        if value is not None
    }
    return Settings(**overrides)


def cmd_serve(args: argparse.Namespace) -> int:
    from services.server import create_server, serve_until_signalled

    settings = _settings(args)
    url = _database_url(settings)
    migrate.upgrade(url)
    running = create_server(settings, url)
    host = settings.listen.rpartition(":")[0]
    role = "writer" if running.writer.is_leader else "read-only standby"
    print(f"fangxin listening on {host}:{running.port} ({role}); Ctrl-C to stop", flush=True)
    serve_until_signalled(running, settings.shutdown_grace_s)
    print("fangxin stopped", flush=True)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    url = _database_url(settings)
    migrate.upgrade(url)
    print("database migrated to head", flush=True)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fangxin", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--database-url", help="PostgreSQL URL (env FANGXIN_DATABASE_URL)")
        p.add_argument("--data-dir", type=Path, help="embedded PostgreSQL data directory")

    serve = sub.add_parser("serve", help="run the gRPC server")
    serve.add_argument("--listen", help="HOST:PORT (default 127.0.0.1:50051)")
    common(serve)
    serve.set_defaults(func=cmd_serve)
    mig = sub.add_parser("migrate", help="apply the database migrations and exit")
    common(mig)
    mig.set_defaults(func=cmd_migrate)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ValidationError as exc:
        print(f"fangxin: invalid configuration:\n{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
