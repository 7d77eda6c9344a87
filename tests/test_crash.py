"""SIGKILL the server under load, restart it, retry every unacknowledged request with its ids."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import grpc
import psycopg
import pytest

from fangxin.v1 import ledger_pb2 as pb
from ledger.pg.database import libpq_url
from tests.support import EXISTS, OK, check_invariants, ledger_stub, new_accounts, transfer

pytestmark = pytest.mark.slow
LISTENING = re.compile(r"listening on [\d.]+:(\d+)")


@contextmanager
def server_process(database_url: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "serve", "--listen", "127.0.0.1:0",
         "--database-url", database_url],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 30
        for line in proc.stdout:
            if m := LISTENING.search(line):
                yield proc, int(m.group(1))
                break
            assert time.monotonic() < deadline, "server did not start"
        else:
            raise AssertionError("server exited before listening")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()


def test_sigkill_under_load_then_retry(database_url: str) -> None:
    batches: list[list[pb.Transfer]] = []
    acked: set[str] = set()
    attempted: list[list[pb.Transfer]] = []
    lock = threading.Lock()
    with server_process(database_url) as (proc, port), ledger_stub(port) as stub:
        accounts = new_accounts(stub, 6)
        batches = [
            [transfer(accounts[(b + i) % 6], accounts[(b + i + 1) % 6], 1 + i,
                      id=uuid.uuid4()) for i in range(10)]
            for b in range(4000)
        ]  # fmt: skip
        cursor = iter(batches)

        def client() -> None:
            with ledger_stub(port) as own:
                while True:
                    with lock:
                        batch = next(cursor, None)
                        if batch is None:
                            return
                        attempted.append(batch)
                    try:
                        reply = own.CreateTransfers(
                            pb.CreateTransfersRequest(transfers=batch), timeout=10
                        )
                    except grpc.RpcError:
                        return  # the server died: this batch is unacknowledged
                    assert [r.code for r in reply.results] == [OK] * len(batch)
                    with lock:
                        acked.update(t.id for t in batch)

        threads = [threading.Thread(target=client) for _ in range(8)]
        for th in threads:
            th.start()
        while len(acked) < 2_000:
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        for th in threads:
            th.join()
    assert acked, "no load reached the server before the kill"
    with server_process(database_url) as (_proc, port), ledger_stub(port) as stub:
        for batch in attempted:
            reply = stub.CreateTransfers(pb.CreateTransfersRequest(transfers=batch))
            for t, r in zip(batch, reply.results, strict=True):
                assert r.code == (EXISTS if t.id in acked else r.code)
                assert r.code in (OK, EXISTS)
    check_invariants(database_url)
    with psycopg.connect(libpq_url(database_url)) as conn:
        stored = [str(row[0]) for row in conn.execute("SELECT id FROM transfers")]
    assert len(stored) == len(set(stored))
    assert set(stored) == {t.id for batch in attempted for t in batch}
    assert acked <= set(stored)
