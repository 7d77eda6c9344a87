"""Assemble the gRPC server: ledger service, health, reflection, graceful shutdown."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent import futures
from dataclasses import dataclass

import grpc
import psycopg
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from sqlalchemy import Engine

from fangxin.v1 import custody_pb2, custody_pb2_grpc, ledger_pb2, ledger_pb2_grpc
from ledger.pg.custody_store import CustodyExecutor, sync_policies
from ledger.pg.database import libpq_url, make_engine
from ledger.pg.reader import Reader
from ledger.pg.writer import Writer, WriterLimits
from services.custody_service import CustodyServicer
from services.ledger_service import LedgerServicer
from services.scheduler import Scheduler
from services.settings import Settings

_log = logging.getLogger(__name__)
MESSAGE_BYTES_MAX = 32 * 1024 * 1024  # a full batch of 8,190 transfers with metadata fits


@dataclass
class Running:
    server: grpc.Server
    port: int
    writer: Writer
    engine: Engine
    health: health.HealthServicer
    scheduler: Scheduler | None = None

    def stop(self, grace_s: float = 10.0) -> None:
        """Stop taking calls, let those in flight finish, then drain the writer and the pool."""
        self.health.enter_graceful_shutdown()
        self.server.stop(grace_s).wait()
        if self.scheduler is not None:
            self.scheduler.stop()
        self.writer.stop()
        self.engine.dispose()


def create_server(
    settings: Settings,
    database_url: str,
    *,
    clock: Callable[[], int] = time.time_ns,
    scheduler_interval_s: float | None = 60.0,
) -> Running:
    """Build and start the server; bind port 0 to let the OS choose (tests). `clock` (ns since
    the epoch) drives the writer, the custody rules and the scheduler; tests pass one they can
    advance. The scheduler ticks every `scheduler_interval_s` while this server holds the
    writer lock (None: no scheduler thread)."""
    engine = make_engine(database_url, pool_size=settings.db_pool_size)
    with psycopg.connect(libpq_url(database_url)) as conn:
        policies = sync_policies(conn)
    executor = CustodyExecutor(policies)
    writer = Writer(
        database_url,
        limits=WriterLimits(
            queue_requests_max=settings.writer_queue_requests_max,
            batch_events_max=settings.writer_batch_events_max,
        ),
        executor=executor,
        clock=clock,
    )
    if not writer.start():
        _log.warning("writer in standby: another server holds the writer lock; serving reads")
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=settings.grpc_workers, thread_name_prefix="grpc"),
        options=[
            ("grpc.max_receive_message_length", MESSAGE_BYTES_MAX),
            ("grpc.max_send_message_length", MESSAGE_BYTES_MAX),
        ],
    )
    ledger_pb2_grpc.add_LedgerServiceServicer_to_server(  # type: ignore[no-untyped-call]
        LedgerServicer(writer, Reader(engine)), server
    )
    custody_pb2_grpc.add_CustodyServiceServicer_to_server(  # type: ignore[no-untyped-call]
        CustodyServicer(writer, engine, policies, clock), server
    )
    health_servicer = health.HealthServicer(experimental_non_blocking=True)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    service_names = (
        ledger_pb2.DESCRIPTOR.services_by_name["LedgerService"].full_name,
        custody_pb2.DESCRIPTOR.services_by_name["CustodyService"].full_name,
        health.SERVICE_NAME,
        reflection.SERVICE_NAME,
    )
    reflection.enable_server_reflection(service_names, server)
    port = server.add_insecure_port(settings.listen)
    if port == 0:
        raise OSError(f"cannot listen on {settings.listen}")
    server.start()
    for name in ("", *service_names[:2]):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    scheduler = None
    if scheduler_interval_s is not None:
        scheduler = Scheduler(writer, engine, interval_s=scheduler_interval_s, clock=clock)
        scheduler.start()
    return Running(server, port, writer, engine, health_servicer, scheduler)


def serve_until_signalled(running: Running, grace_s: float) -> None:
    """Block until SIGINT or SIGTERM, then shut down gracefully."""
    import signal

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    _log.info("shutting down")
    running.stop(grace_s)
