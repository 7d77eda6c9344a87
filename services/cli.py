"""`fangxin` command line: serve, migrate, tick, demo."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import UTC, datetime
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
    interval = settings.scheduler_interval_s or None
    running = create_server(settings, url, scheduler_interval_s=interval)
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


def _instant_ns(text: str) -> int:
    """ISO 8601 to nanoseconds since the epoch; a time without an offset is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 10**9 + delta.microseconds * 1_000


def writer_lock_holder(url: str) -> str | None:
    """application_name of the session holding the database's writer lock, if any."""
    import psycopg

    from ledger.pg.database import libpq_url
    from ledger.pg.writer import WRITER_LOCK_KEY

    with psycopg.connect(libpq_url(url), connect_timeout=10) as conn:
        row = conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted"
            " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND (l.classid::bigint << 32 | l.objid::bigint) = %s",
            (WRITER_LOCK_KEY,),
        ).fetchone()
    return None if row is None else str(row[0] or "unnamed session")


def cmd_tick(args: argparse.Namespace) -> int:
    import psycopg

    from ledger.pg.custody_store import CustodyExecutor, sync_policies
    from ledger.pg.database import libpq_url, make_engine
    from ledger.pg.writer import Writer
    from services.scheduler import run_tick

    settings = _settings(args)
    url = _database_url(settings)
    migrate.upgrade(url)
    holder = writer_lock_holder(url)
    for _ in range(5):  # a writer that just stopped may hold the lock a moment longer
        if holder is None:
            break
        time.sleep(0.1)
        holder = writer_lock_holder(url)
    if holder is not None:
        print(
            f"fangxin tick: a server holds this database's writer lock ({holder}); its"
            " scheduler runs the ticks. Stop it to run a tick by hand.",
            file=sys.stderr,
        )
        return 3
    now_ns: int = args.now if args.now is not None else time.time_ns()
    with psycopg.connect(libpq_url(url)) as conn:
        policies = sync_policies(conn)
    clock = (lambda: now_ns) if args.now is not None else time.time_ns
    writer = Writer(url, clock=clock, executor=CustodyExecutor(policies))
    if not writer.start():
        writer.stop()
        print("fangxin tick: could not take the writer lock; is a server running?", file=sys.stderr)
        return 3
    engine = make_engine(url, pool_size=2)
    try:
        report = run_tick(
            writer, engine, now_ns, since_ns=args.since, instruction_grace_days=args.grace_days
        )
    finally:
        writer.stop()
        engine.dispose()
    print("\n".join(report.lines()), flush=True)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from services import demo
    from services.server import create_server, serve_until_signalled

    settings = _settings(args)
    url = _database_url(settings)
    migrate.upgrade(url)
    clock = demo.SimClock(demo.HISTORY_DAYS)
    running = create_server(settings, url, clock=clock)
    if not running.writer.is_leader:
        running.stop(0)
        print(
            "fangxin demo: another server holds this database's writer lock; stop it, or give"
            " the demo its own --database-url or --data-dir",
            file=sys.stderr,
        )
        return 3
    try:
        summary = demo.run(running, clock, args.cards)
        print("\n".join(summary.lines()), flush=True)
    except BaseException:
        running.stop(2)
        raise
    host = settings.listen.rpartition(":")[0]
    if args.no_serve:
        running.stop(settings.shutdown_grace_s)
        return 0
    print(f"fangxin listening on {host}:{running.port} (writer); Ctrl-C to stop", flush=True)
    serve_until_signalled(running, settings.shutdown_grace_s)
    print("fangxin stopped", flush=True)
    return 0


def _cards(text: str) -> int:
    n = int(text)
    if not 1 <= n <= 1_000_000:
        raise argparse.ArgumentTypeError("between 1 and 1,000,000 cards")
    return n


def _grace_days(text: str) -> int:
    n = int(text)
    if not 0 <= n <= 365:
        raise argparse.ArgumentTypeError("between 0 and 365 days")
    return n


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
    tick = sub.add_parser("tick", help="run one scheduler tick against the database and exit")
    common(tick)
    tick.add_argument("--now", type=_instant_ns, help="ISO 8601 time of the tick (default: now)")
    tick.add_argument(
        "--since", type=_instant_ns, help="previous tick, ISO 8601 (default: a day before --now)"
    )
    tick.add_argument(
        "--grace-days",
        type=_grace_days,
        default=3,
        help="days a bank may leave an instruction pending before an alert (default 3)",
    )
    tick.set_defaults(func=cmd_tick)
    dem = sub.add_parser(
        "demo", help="serve a sample province (banks, merchants, cards) seeded through the API"
    )
    dem.add_argument("--listen", help="HOST:PORT (default 127.0.0.1:50051)")
    common(dem)
    dem.add_argument("--cards", type=_cards, default=3_000, help="cards to seed (default 3000)")
    dem.add_argument("--no-serve", action="store_true", help="exit after the summary")
    dem.set_defaults(func=cmd_demo)
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
