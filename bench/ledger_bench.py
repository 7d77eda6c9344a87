"""Throughput and latency of Fangxin's CreateTransfers over gRPC, next to pgbench's TPC-B-like tps.

Run by hand, never from the test suite (it takes a few minutes and loads the whole machine):

    .venv/bin/python -m bench.ledger_bench --seconds 10

What it does, on the PostgreSQL server named by --database-url:

1. creates a fresh database fangxin_bench_<random>, migrates it and starts the server in a
   separate process (`python -m services.cli serve --listen 127.0.0.1:0`), so the load generator
   never shares the server's GIL;
2. creates --accounts uniform accounts without limit flags, plus one hot account;
3. measures each scenario for --seconds after --warmup seconds (and after VACUUM ANALYZE and
   CHECKPOINT, so that scenarios start alike; --no-settle skips that): one transfer per call from
   --clients concurrent callers, then batches of 1,000 transfers from --batch-callers callers and
   of 8,190 from --large-batch-callers, each with uniform random account pairs and again with
   every transfer touching the hot account (as debit or credit, at random). Callers are threads
   spread over several client processes (multiprocessing) that encode requests straight to bytes;
   each process reports the CPU it used, so a saturated load generator shows up in the report,
   and so does other work on the machine ("other" CPU). After each scenario, the transfers the
   ledger stamped in the window give the server-side rate and the writer's batch size;
4. runs `pgbench -i -s 10` in a fresh database of the same server, then
   `pgbench -c 32 -j 2 -T <seconds> -M prepared`, and takes its tps without connection time;
5. prints the figures and the ratios the issue asks for, writes them as JSON to
   bench/results/<timestamp>.json, stops the server and drops both databases.

Every transfer result must be OK and every call must succeed: a run with any error is reported as
INVALID (exit status 1).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.context import SpawnProcess
from multiprocessing.queues import Queue as MpQueue
from pathlib import Path
from typing import Any

import grpc
import psycopg

from fangxin.v1 import ledger_pb2 as pb
from ledger.pg import migrate
from ledger.pg.database import create_database, drop_database, libpq_url

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
CREATE_TRANSFERS = "/fangxin.v1.LedgerService/CreateTransfers"
TRANSFER_OK = pb.CREATE_TRANSFER_RESULT_CODE_OK
ACCOUNT_OK = pb.CREATE_ACCOUNT_RESULT_CODE_OK
MESSAGE_BYTES_MAX = 32 * 1024 * 1024
CALL_TIMEOUT_S = 120.0
BATCH_TARGET_TPS = 25_000.0  # the absolute target for batched transfers
CLIENT_SATURATED_CORE_SHARE = 0.85  # a client process busier than this is the bottleneck
MACHINE_SATURATED_IDLE_SHARE = 0.05  # less idle than this: every core is busy
BACKGROUND_BUSY_MAX = 0.10  # busier than this before the run: something else is running
LISTENING = re.compile(r"listening on [\d.]+:(\d+)")
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- request encoding ------------------------------------------------------------------------------


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _len_field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


class TransferEncoder:
    """Encodes CreateTransfersRequest bytes directly, so that the load generator stays cheap.

    Each transfer is `Transfer{id, debit_account_id, credit_account_id, amount=1, currency="CNY",
    code=1}`; ids are a random per-encoder prefix and a counter, in canonical UUID text form.
    `check()` verifies the encoding against the generated protobuf classes.
    """

    def __init__(self, accounts: Sequence[str], hot: str | None, seed: int) -> None:
        self._rng = random.Random(seed)
        self._n = len(accounts)
        self._debits = [_len_field(2, a.encode()) for a in accounts]
        self._credits = [_len_field(3, a.encode()) for a in accounts]
        self._hot = (_len_field(2, hot.encode()), _len_field(3, hot.encode())) if hot else None
        self._prefix = str(uuid.uuid4())[:24]  # "8-4-4-4-" of a random UUID
        self._counter = 0
        self._tail = b"\x20\x01" + _len_field(5, b"CNY") + b"\x30\x01"  # amount, currency, code
        one = self._transfer()
        self._head = _varint(1 << 3 | 2) + _varint(len(one))  # every transfer has the same size

    def _next_id(self) -> bytes:
        self._counter += 1
        return _len_field(1, f"{self._prefix}{self._counter:012x}".encode())

    def _transfer(self) -> bytes:
        rng, n = self._rng, self._n
        d = int(rng.random() * n)
        c = int(rng.random() * (n - 1))
        c += c >= d  # a uniform pair of distinct accounts
        if self._hot is None:
            return self._next_id() + self._debits[d] + self._credits[c] + self._tail
        if rng.random() < 0.5:
            return self._next_id() + self._hot[0] + self._credits[c] + self._tail
        return self._next_id() + self._debits[d] + self._hot[1] + self._tail

    def request(self, transfers: int) -> bytes:
        head = self._head
        return b"".join([head + self._transfer() for _ in range(transfers)])

    def check(self) -> None:
        parsed = pb.CreateTransfersRequest.FromString(self.request(3))
        assert len(parsed.transfers) == 3
        for t in parsed.transfers:
            assert uuid.UUID(t.id) and len(t.id) == 36
            assert t.debit_account_id != t.credit_account_id
            assert (t.amount, t.currency, t.code) == (1, "CNY", 1)
            if self._hot is not None:
                hot = self._hot[0][2:].decode()
                assert hot in (t.debit_account_id, t.credit_account_id)


# -- client processes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    batch: int  # transfers per call
    callers: int  # concurrent calls in flight
    processes: int  # client processes the callers are spread over
    hot: bool


@dataclass(frozen=True)
class WorkerSpec:
    index: int
    port: int
    accounts: list[str]
    hot: str | None
    batch: int
    threads: int
    warmup_s: float
    seconds: float


@dataclass
class WorkerResult:
    index: int
    latencies_s: list[float] = field(default_factory=list)  # calls completed in the window
    window_transfers_ok: float = 0.0  # OK transfers, in proportion of each call in the window
    calls_total: int = 0
    transfers_ok_total: int = 0
    results_not_ok: dict[str, int] = field(default_factory=dict)
    rpc_errors: dict[str, int] = field(default_factory=dict)
    cpu_s: float = 0.0  # this process's CPU time during the window
    encode_s: float = 0.0  # time spent building requests during the window


def _caller(
    spec: WorkerSpec,
    call: grpc.UnaryUnaryMultiCallable[bytes, pb.CreateTransfersResponse],
    seed: int,
    start: float,
    end: float,
    out: WorkerResult,
    lock: threading.Lock,
) -> None:
    encoder = TransferEncoder(spec.accounts, spec.hot, seed)
    latencies: list[float] = []
    window_ok = 0.0
    calls = ok_total = 0
    encode_s = 0.0
    not_ok: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    while True:
        t0 = time.monotonic()
        if t0 >= end:
            break
        body = encoder.request(spec.batch)
        t1 = time.monotonic()
        try:
            reply = call(body, timeout=CALL_TIMEOUT_S)
        except grpc.RpcError as exc:
            if isinstance(exc, grpc.Call):
                errors[f"{exc.code().name}: {(exc.details() or '')[:120]}"] += 1
            else:
                errors[repr(exc)[:120]] += 1
            time.sleep(0.01)
            continue
        t2 = time.monotonic()
        calls += 1
        codes = [r.code for r in reply.results]
        ok = codes.count(TRANSFER_OK)
        ok_total += ok
        if ok != spec.batch or len(codes) != spec.batch:
            for c in codes:
                if c != TRANSFER_OK:
                    not_ok[pb.CreateTransferResultCode.Name(c)] += 1
            if len(codes) != spec.batch:
                not_ok["WRONG_RESULT_COUNT"] += 1
        if start <= t2 < end:
            latencies.append(t2 - t1)
            encode_s += t1 - t0
        # The caller's cycles [t0, t2] tile its time; each contributes its transfers spread
        # evenly over the cycle, so calls straddling the window's edges count in proportion.
        overlap = min(t2, end) - max(t0, start)
        if overlap > 0:
            window_ok += ok * overlap / (t2 - t0)
    with lock:
        out.latencies_s.extend(latencies)
        out.window_transfers_ok += window_ok
        out.calls_total += calls
        out.transfers_ok_total += ok_total
        out.encode_s += encode_s
        for name, n in not_ok.items():
            out.results_not_ok[name] = out.results_not_ok.get(name, 0) + n
        for name, n in errors.items():
            out.rpc_errors[name] = out.rpc_errors.get(name, 0) + n


def client_process(
    spec: WorkerSpec, ready: MpQueue[int], go: MpQueue[float], results: MpQueue[WorkerResult]
) -> None:
    """One load-generating process: `spec.threads` callers on one channel, blocking calls."""
    options = [
        ("grpc.max_receive_message_length", MESSAGE_BYTES_MAX),
        ("grpc.max_send_message_length", MESSAGE_BYTES_MAX),
    ]
    with grpc.insecure_channel(f"127.0.0.1:{spec.port}", options=options) as channel:
        grpc.channel_ready_future(channel).result(timeout=30)
        call = channel.unary_unary(
            CREATE_TRANSFERS,
            request_serializer=None,  # the encoder already produced the bytes
            response_deserializer=pb.CreateTransfersResponse.FromString,
        )
        ready.put(spec.index)
        t0 = go.get()
        start = t0 + spec.warmup_s
        end = start + spec.seconds
        out = WorkerResult(spec.index)
        lock = threading.Lock()
        seed = secrets.randbits(64)
        threads = [
            threading.Thread(target=_caller, args=(spec, call, seed + i, start, end, out, lock))
            for i in range(spec.threads)
        ]
        time.sleep(max(0.0, t0 - time.monotonic()))
        for t in threads:
            t.start()
        time.sleep(max(0.0, start - time.monotonic()))
        cpu0 = time.process_time()
        time.sleep(max(0.0, end - time.monotonic()))
        out.cpu_s = time.process_time() - cpu0
        for t in threads:
            t.join()
    results.put(out)


# -- CPU accounting from /proc ---------------------------------------------------------------------


def _proc_cpu_s(pid: int) -> tuple[str, float] | None:
    """(command name, user + system CPU seconds) of a process, all its threads included."""
    try:
        data = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = data[data.index("(") + 1 : data.rindex(")")]
    fields = data[data.rindex(")") + 2 :].split()
    return name, (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


@dataclass
class CpuSample:
    at: float  # time.monotonic()
    wall_ns: int  # time.time_ns(), the clock the ledger stamps transfers with
    busy_s: float
    total_s: float
    server_s: float
    postgres: dict[int, float]

    @staticmethod
    def take(server_pid: int | None) -> CpuSample:
        with open("/proc/stat") as f:
            ticks = [int(x) for x in f.readline().split()[1:]]
        idle = ticks[3] + ticks[4]  # idle, iowait
        total = sum(ticks[:8])  # user .. steal; guest time is already in user
        postgres: dict[int, float] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (stat := _proc_cpu_s(int(entry))) and stat[0] == "postgres":
                postgres[int(entry)] = stat[1]
        server = _proc_cpu_s(server_pid) if server_pid else None
        return CpuSample(
            at=time.monotonic(),
            wall_ns=time.time_ns(),
            busy_s=(total - idle) / CLK_TCK,
            total_s=total / CLK_TCK,
            server_s=server[1] if server else 0.0,
            postgres=postgres,
        )


def background_load(seconds: float = 2.0) -> float:
    """Share of the machine's CPU busy while this benchmark does nothing yet."""
    before = CpuSample.take(None)
    time.sleep(seconds)
    return round(1.0 - cpu_breakdown(before, CpuSample.take(None), 0.0)["idle"], 3)


def cpu_seconds(a: CpuSample, b: CpuSample, clients_s: float) -> dict[str, float]:
    """CPU seconds used over the interval, by whom; `capacity` is all cores' time."""
    capacity = b.total_s - a.total_s
    pg = sum(s - a.postgres.get(pid, 0.0) for pid, s in b.postgres.items())
    busy = b.busy_s - a.busy_s
    server = b.server_s - a.server_s
    return {
        "server": server,
        "postgres": pg,
        "clients": clients_s,
        "other": max(0.0, busy - server - pg - clients_s),
        "idle": max(0.0, capacity - busy),
        "capacity": capacity,
    }


def postgres_top(a: CpuSample, b: CpuSample, count: int = 4) -> list[tuple[str, float]]:
    """The PostgreSQL processes that used the most CPU over the interval, with their titles."""
    used = sorted(
        ((s - a.postgres.get(pid, 0.0), pid) for pid, s in b.postgres.items()), reverse=True
    )
    out = []
    for seconds, pid in used[:count]:
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            title = f"pid {pid}"
        out.append((title.strip()[:80], round(seconds, 2)))
    return out


def cpu_breakdown(a: CpuSample, b: CpuSample, clients_s: float) -> dict[str, float]:
    """Shares of the machine's CPU capacity over the interval (all cores = 1.0)."""
    used = cpu_seconds(a, b, clients_s)
    capacity = used.pop("capacity")
    return {k: round(v / capacity, 3) if capacity > 0 else 0.0 for k, v in used.items()}


# -- the server under test -------------------------------------------------------------------------


@dataclass
class ServerProcess:
    proc: subprocess.Popen[str]
    port: int
    log: Path


@contextmanager
def server_process(database_url: str, log_dir: Path) -> Iterator[ServerProcess]:
    log = log_dir / "server.log"
    with open(log, "w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "serve", "--listen", "127.0.0.1:0",
             "--database-url", database_url],
            cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True,
        )  # fmt: skip
    try:
        assert proc.stdout is not None
        port = 0
        for line in proc.stdout:
            if m := LISTENING.search(line):
                port = int(m.group(1))
                break
        if not port:
            raise RuntimeError(f"the server exited before listening; see its log:\n{_tail(log)}")
        threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep the pipe drained
        yield ServerProcess(proc, port, log)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text().splitlines()[-lines:])
    except OSError:
        return "(no log)"


def create_accounts(port: int, count: int) -> tuple[list[str], str]:
    ids = [str(uuid.uuid4()) for _ in range(count)]
    hot = str(uuid.uuid4())
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        grpc.channel_ready_future(channel).result(timeout=30)
        create = channel.unary_unary(
            "/fangxin.v1.LedgerService/CreateAccounts",
            request_serializer=pb.CreateAccountsRequest.SerializeToString,
            response_deserializer=pb.CreateAccountsResponse.FromString,
        )
        everyone = [*ids, hot]
        for i in range(0, len(everyone), 5000):
            chunk = everyone[i : i + 5000]
            reply = create(
                pb.CreateAccountsRequest(
                    accounts=[pb.Account(id=a, ledger=1, currency="CNY", code=1) for a in chunk]
                ),
                timeout=CALL_TIMEOUT_S,
            )
            codes = {pb.CreateAccountResultCode.Name(r.code) for r in reply.results}
            if codes != {"CREATE_ACCOUNT_RESULT_CODE_OK"} or len(reply.results) != len(chunk):
                raise RuntimeError(f"CreateAccounts failed: {codes}")
    return ids, hot


# -- scenarios -------------------------------------------------------------------------------------


def writer_batches(url: str, start_ns: int, end_ns: int) -> dict[str, float]:
    """The writer's batches in a wall-clock window, from the transfers' timestamps.

    The engine stamps a batch's transfers with consecutive nanoseconds from the batch's start, so
    a gap of more than 1 ns between consecutive timestamps starts a new writer batch.
    """
    with psycopg.connect(libpq_url(url)) as conn:
        row = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE gap IS NULL OR gap > 1)"
            " FROM (SELECT timestamp - lag(timestamp) OVER (ORDER BY timestamp) AS gap"
            " FROM transfers WHERE timestamp >= %s AND timestamp < %s) AS s",
            (start_ns, end_ns),
        ).fetchone()
    assert row is not None
    transfers, batches = int(row[0]), int(row[1])
    seconds = (end_ns - start_ns) / 1e9
    return {
        "stamped_transfers_per_s": round(transfers / seconds, 1),
        "writer_batches_per_s": round(batches / seconds, 1),
        "transfers_per_writer_batch": round(transfers / batches, 1) if batches else 0.0,
    }


def settle(url: str) -> float:
    """VACUUM ANALYZE and CHECKPOINT, so that every scenario starts from a comparable state
    (no autovacuum debt, no full-page-write burst left over from the previous scenario)."""
    t0 = time.monotonic()
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        with suppress(psycopg.Error):  # needs superuser or pg_checkpoint
            conn.execute("CHECKPOINT")
    return round(time.monotonic() - t0, 2)


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * q // 100))
    return sorted_values[int(rank) - 1]


def run_scenario(
    scenario: Scenario,
    url: str,
    server: ServerProcess,
    accounts: list[str],
    hot: str,
    warmup_s: float,
    seconds: float,
) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")  # no fork after grpc was initialised
    ready: MpQueue[int] = ctx.Queue()
    go: MpQueue[float] = ctx.Queue()
    results: MpQueue[WorkerResult] = ctx.Queue()
    per_process = [
        scenario.callers // scenario.processes + (i < scenario.callers % scenario.processes)
        for i in range(scenario.processes)
    ]
    procs: list[SpawnProcess] = []
    for i, threads in enumerate(t for t in per_process if t):
        spec = WorkerSpec(
            i, server.port, accounts, hot if scenario.hot else None, scenario.batch, threads,
            warmup_s, seconds,
        )  # fmt: skip
        p = ctx.Process(target=client_process, args=(spec, ready, go, results), daemon=True)
        p.start()
        procs.append(p)
    try:
        for _ in procs:
            ready.get(timeout=60)
        t0 = time.monotonic() + 0.2
        for _ in procs:
            go.put(t0)
        start = t0 + warmup_s
        time.sleep(max(0.0, start - time.monotonic()))
        before = CpuSample.take(server.proc.pid)
        time.sleep(max(0.0, start + seconds - time.monotonic()))
        after = CpuSample.take(server.proc.pid)
        outs = [results.get(timeout=CALL_TIMEOUT_S + 60) for _ in procs]
        for p in procs:
            p.join(30)
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
    latencies = sorted(x for o in outs for x in o.latencies_s)
    not_ok: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for o in outs:
        not_ok.update(o.results_not_ok)
        errors.update(o.rpc_errors)
    transfers = sum(o.window_transfers_ok for o in outs)
    client_cpu = [o.cpu_s / seconds for o in outs]
    clients_s = sum(o.cpu_s for o in outs)
    cpu = cpu_breakdown(before, after, clients_s)
    used = cpu_seconds(before, after, clients_s)
    per_transfer = {
        k: round(used[k] / transfers * 1e6, 1) if transfers else None
        for k in ("server", "postgres", "clients")
    }
    elapsed = after.at - before.at
    ms = 1000.0
    return {
        "name": scenario.name,
        "batch": scenario.batch,
        "callers": scenario.callers,
        "client_processes": len(procs),
        "hot": scenario.hot,
        "seconds": round(elapsed, 3),
        "transfers_per_s": round(transfers / seconds, 1),
        "calls_per_s": round(len(latencies) / seconds, 1),
        "calls_in_window": len(latencies),
        "latency_ms": {
            "p50": round(_percentile(latencies, 50) * ms, 2),
            "p90": round(_percentile(latencies, 90) * ms, 2),
            "p99": round(_percentile(latencies, 99) * ms, 2),
            "max": round(latencies[-1] * ms, 2) if latencies else float("nan"),
        },
        "calls_total": sum(o.calls_total for o in outs),
        "transfers_ok_total": sum(o.transfers_ok_total for o in outs),
        "results_not_ok": dict(not_ok),
        "rpc_errors": dict(errors),
        "client_cpu_per_process": [round(c, 3) for c in client_cpu],
        "client_encode_s": round(sum(o.encode_s for o in outs), 3),
        "client_saturated": max(client_cpu, default=0.0) >= CLIENT_SATURATED_CORE_SHARE,
        "machine_cpu_share": cpu,
        "cpu_us_per_transfer": per_transfer,
        "postgres_top_cpu_s": postgres_top(before, after),
        "machine_saturated": cpu["idle"] < MACHINE_SATURATED_IDLE_SHARE,
        "server_side": writer_batches(url, before.wall_ns, after.wall_ns),
    }


# -- pgbench ---------------------------------------------------------------------------------------


def run_pgbench(
    pgbench: str, database_url: str, seconds: float, scale: int, clients: int, jobs: int
) -> dict[str, Any]:
    url = libpq_url(database_url)
    init = subprocess.run(
        [pgbench, "-i", "-s", str(scale), "-q", url], capture_output=True, text=True, check=False
    )
    if init.returncode:
        raise RuntimeError(f"pgbench -i failed:\n{init.stderr}")
    command = [pgbench, "-c", str(clients), "-j", str(jobs), "-T", str(round(seconds)),
               "-M", "prepared", url]  # fmt: skip
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as run:
        # Sample CPU inside the run, while pgbench's backends exist (their CPU leaves with them).
        time.sleep(min(1.0, seconds / 4))
        before = CpuSample.take(None)
        time.sleep(max(0.0, seconds - 2 * min(1.0, seconds / 4)))
        after = CpuSample.take(None)
        stdout, stderr = run.communicate()
    if run.returncode:
        raise RuntimeError(f"pgbench failed:\n{stdout}\n{stderr}")
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", stdout)
    failed = re.search(r"number of failed transactions: (\d+)", stdout)
    processed = re.search(r"number of transactions actually processed: (\d+)", stdout)
    if tps is None:
        raise RuntimeError(f"cannot find tps in pgbench's output:\n{stdout}")
    pg_s = cpu_seconds(before, after, 0.0)["postgres"]
    transactions = float(tps.group(1)) * (after.at - before.at)  # in the sampled interval
    return {
        "command": " ".join([Path(pgbench).name, *command[1:-1]]),
        "init": f"pgbench -i -s {scale}",
        "tps": float(tps.group(1)),
        "latency_avg_ms": float(latency.group(1)) if latency else None,
        "transactions": int(processed.group(1)) if processed else None,
        "failed_transactions": int(failed.group(1)) if failed else 0,
        "machine_cpu_share": cpu_breakdown(before, after, 0.0),
        "postgres_cpu_us_per_transaction": round(pg_s / transactions * 1e6, 1),
    }


# -- machine description ---------------------------------------------------------------------------


def machine(server_url: str) -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()
    model = ""
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with psycopg.connect(libpq_url(server_url)) as conn:
        settings = {
            name: str(conn.execute(f"SHOW {name}").fetchone()[0])  # type: ignore[index]
            for name in ("server_version", "shared_buffers", "synchronous_commit", "fsync",
                         "max_connections", "wal_level")
        }  # fmt: skip
        version = conn.execute("SELECT version()").fetchone()
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(int(meminfo[1]) / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "grpcio": grpc.__version__,
        "postgresql": str(version[0]) if version else "?",
        "postgresql_settings": settings,
    }


# -- the whole run ---------------------------------------------------------------------------------


def scenarios(args: argparse.Namespace) -> list[Scenario]:
    out: list[Scenario] = []
    for batch, callers, processes in (
        (1, args.clients, args.client_processes),
        (1000, args.batch_callers, min(args.batch_callers, 2)),
        (8190, args.large_batch_callers, min(args.large_batch_callers, 2)),
    ):
        for hot in (False, True):
            name = f"{'single' if batch == 1 else f'batch{batch}'}-{'hot' if hot else 'uniform'}"
            out.append(Scenario(name, batch, callers, processes, hot))
    if args.only:
        wanted = set(args.only.split(","))
        out = [s for s in out if s.name in wanted]
    return out


def ratios(by_name: dict[str, dict[str, Any]], pgbench_tps: float | None) -> dict[str, Any]:
    def tps(name: str) -> float | None:
        return by_name[name]["transfers_per_s"] if name in by_name else None

    def ratio(a: float | None, b: float | None) -> float | None:
        return round(a / b, 3) if a is not None and b else None

    out: dict[str, Any] = {
        "a_single_vs_pgbench": {
            "value": ratio(tps("single-uniform"), pgbench_tps), "target": ">= 1.0",
        },
        "b_batch_vs_25000": {
            name: {"transfers_per_s": tps(name), "value": ratio(tps(name), BATCH_TARGET_TPS),
                   "target": ">= 1.0"}
            for name in ("batch1000-uniform", "batch8190-uniform")
        },
        "c_hot_vs_uniform": {
            kind: {"value": ratio(tps(f"{kind}-hot"), tps(f"{kind}-uniform")), "target": ">= 0.9"}
            for kind in ("single", "batch1000", "batch8190")
        },
    }  # fmt: skip
    return out


def _met(value: float | None, target: float) -> str:
    if value is None:
        return "n/a"
    return "met" if value >= target else "NOT met"


def _markdown_row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def print_report(report: dict[str, Any]) -> None:
    """The figures as a Markdown table, then the ratios."""
    header = ["scenario", "transfers/call", "callers", "transfers/s", "p50 ms", "p90 ms",
              "p99 ms", "max ms", "calls", "not OK", "server-stamped/s", "writer batch",
              "client cpu", "cpu srv/pg/cli/other/idle %",
              "cpu µs/transfer srv/pg/cli"]  # fmt: skip
    print()
    print(_markdown_row(header))
    print(_markdown_row(["---"] * len(header)))
    for r in report["scenarios"]:
        lat = r["latency_ms"]
        errors = sum(r["results_not_ok"].values()) + sum(r["rpc_errors"].values())
        cpu = r["machine_cpu_share"]
        share = "/".join(f"{cpu[k] * 100:.0f}" for k in ("server", "postgres", "clients", "other",
                                                         "idle"))  # fmt: skip
        client = max(r["client_cpu_per_process"], default=0.0)
        side = r["server_side"]
        print(_markdown_row([
            r["name"], r["batch"], r["callers"], f"{r['transfers_per_s']:,.0f}",
            f"{lat['p50']:.1f}", f"{lat['p90']:.1f}", f"{lat['p99']:.1f}", f"{lat['max']:.1f}",
            r["calls_in_window"], errors, f"{side['stamped_transfers_per_s']:,.0f}",
            f"{side['transfers_per_writer_batch']:,.0f}",
            f"{client:.2f}{' SATURATED' if r['client_saturated'] else ''}", share,
            "/".join(f"{r['cpu_us_per_transfer'][k] or 0:.0f}"
                     for k in ("server", "postgres", "clients")),
        ]))  # fmt: skip
    pg = report.get("pgbench")
    if pg:
        cpu = pg["machine_cpu_share"]
        share = "/".join(f"{cpu[k] * 100:.0f}" for k in ("server", "postgres", "clients", "other",
                                                         "idle"))  # fmt: skip
        print(_markdown_row([
            "pgbench TPC-B-like", "(tps)", 32, f"{pg['tps']:,.0f}",
            "", "", "", "", pg["transactions"], pg["failed_transactions"], "", "", "", share,
            f"-/{pg['postgres_cpu_us_per_transaction']:.0f}/-",
        ]))  # fmt: skip
    print(
        "\ntransfers/s: OK transfers acknowledged per second of the window (calls straddling its"
        " edges count in proportion); latency: per call, for calls completed in the window;"
        " server-stamped/s: transfers the ledger stamped in the window; writer batch: transfers"
        " per writer transaction; client cpu: busiest client process, in cores (saturated from"
        f" {CLIENT_SATURATED_CORE_SHARE}); cpu: shares of the whole machine (pgbench counts as"
        " other); cpu µs/transfer: CPU time of the server process, PostgreSQL and the clients"
        " per transfer (per transaction for pgbench)"
    )
    r = report["ratios"]
    print("\nratios")
    a = r["a_single_vs_pgbench"]["value"]
    print(f"  (a) single-transfer tps / pgbench tps = {a}  (target >= 1.0: {_met(a, 1.0)})")
    for name, v in r["b_batch_vs_25000"].items():
        print(
            f"  (b) {name} {v['transfers_per_s']}/s / 25,000 = {v['value']}"
            f"  (target >= 1.0: {_met(v['value'], 1.0)})"
        )
    for kind, v in r["c_hot_vs_uniform"].items():
        print(
            f"  (c) {kind} hot / uniform = {v['value']}  (target >= 0.9: {_met(v['value'], 0.9)})"
        )
    check = report.get("consistency")
    if check:
        print(f"\nconsistency: {check}")
    print(f"\nrun {'VALID' if report['valid'] else 'INVALID: ' + '; '.join(report['problems'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.ledger_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per scenario")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up before each scenario")
    parser.add_argument("--database-url", default=DEFAULT_SERVER_URL,
                        help="PostgreSQL server to create the benchmark databases on")  # fmt: skip
    parser.add_argument("--accounts", type=int, default=10_000, help="uniform accounts")
    parser.add_argument("--clients", type=int, default=32, help="callers, single transfers")
    parser.add_argument("--client-processes", type=int, default=4,
                        help="processes the single-transfer callers are spread over")  # fmt: skip
    parser.add_argument("--batch-callers", type=int, default=4, help="callers, batches of 1,000")
    parser.add_argument(
        "--large-batch-callers",
        type=int,
        default=2,
        help="callers, batches of 8,190 (two fill one writer batch of 16,380)",
    )
    parser.add_argument("--pgbench", default=shutil.which("pgbench") or "/usr/bin/pgbench")
    parser.add_argument("--pgbench-scale", type=int, default=10)
    parser.add_argument("--skip-pgbench", action="store_true")
    parser.add_argument("--only", help="comma-separated scenario names, e.g. single-uniform")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait up to this long for other work on the machine to stop",
    )
    parser.add_argument("--no-settle", action="store_true",
                        help="skip VACUUM ANALYZE and CHECKPOINT before each scenario")  # fmt: skip
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    args = parser.parse_args(argv)

    server_url = args.database_url
    suffix = secrets.token_hex(4)
    ledger_db, pgbench_db = f"fangxin_bench_{suffix}", f"fangxin_bench_{suffix}_pgbench"
    started = datetime.now(UTC)
    report: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "command": " ".join(["python -m bench.ledger_bench", *(argv or sys.argv[1:])]),
        "arguments": vars(args),
        "machine": machine(server_url),
    }
    print(f"machine: {report['machine']}", flush=True)
    busy = background_load()
    deadline = time.monotonic() + args.wait_quiet
    while busy > BACKGROUND_BUSY_MAX and time.monotonic() < deadline:
        print(f"machine {busy:.0%} busy before the run; waiting for it to calm down", flush=True)
        time.sleep(5)
        busy = background_load()
    report["background_busy_before_run"] = busy
    if busy > BACKGROUND_BUSY_MAX:
        print(f"WARNING: other processes keep {busy:.0%} of the machine busy; figures will be low",
              flush=True)  # fmt: skip
    problems: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="fangxin-bench-") as tmp:
            url = create_database(server_url, ledger_db)
            migrate.upgrade(url)
            with server_process(url, Path(tmp)) as server:
                print(f"server pid {server.proc.pid} on port {server.port}; database {ledger_db}",
                      flush=True)  # fmt: skip
                accounts, hot = create_accounts(server.port, args.accounts)
                TransferEncoder(accounts, None, 1).check()
                TransferEncoder(accounts, hot, 1).check()
                print(f"{len(accounts)} uniform accounts and 1 hot account created", flush=True)
                results = []
                for scenario in scenarios(args):
                    if not args.no_settle:
                        print(f"settling (VACUUM ANALYZE, CHECKPOINT): {settle(url)} s", flush=True)
                    print(f"running {scenario.name} ...", flush=True)
                    result = run_scenario(scenario, url, server, accounts, hot, args.warmup,
                                          args.seconds)  # fmt: skip
                    print(
                        f"  {result['transfers_per_s']:,.0f} transfers/s,"
                        f" p50 {result['latency_ms']['p50']} ms,"
                        f" p99 {result['latency_ms']['p99']} ms, cpu {result['machine_cpu_share']}",
                        flush=True,
                    )
                    print(f"  busiest PostgreSQL processes: {result['postgres_top_cpu_s']}")
                    results.append(result)
                    if server.proc.poll() is not None:
                        problems.append("the server exited during the run")
                        break
                report["scenarios"] = results
                report["consistency"] = consistency(url, results, hot)
                if server.proc.poll() is not None:
                    problems.append(f"server exited; log:\n{_tail(server.log)}")
            report["server_log_tail"] = _tail(server.log, 20)
        drop_database(server_url, ledger_db)
        if not args.skip_pgbench:
            print("running pgbench ...", flush=True)
            pg_url = create_database(server_url, pgbench_db)
            report["pgbench"] = run_pgbench(
                args.pgbench, pg_url, args.seconds, args.pgbench_scale, 32, 2
            )
    finally:
        with suppress(Exception):
            drop_database(server_url, ledger_db)
        with suppress(Exception):
            drop_database(server_url, pgbench_db)
    by_name = {r["name"]: r for r in report["scenarios"]}
    pg_tps = report["pgbench"]["tps"] if "pgbench" in report else None
    report["ratios"] = ratios(by_name, pg_tps)
    for r in report["scenarios"]:
        if r["results_not_ok"] or r["rpc_errors"]:
            problems.append(f"{r['name']}: not OK {r['results_not_ok']}, errors {r['rpc_errors']}")
        if not r["calls_in_window"]:
            problems.append(f"{r['name']}: no call completed in the measured window")
    if "pgbench" in report and report["pgbench"]["failed_transactions"]:
        problems.append("pgbench reported failed transactions")
    check = report.get("consistency", {})
    if check and not check.get("ok"):
        problems.append(f"consistency check failed: {check}")
    report["valid"] = not problems
    report["problems"] = problems
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    print_report(report)
    if not args.no_save:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
        path.write_text(json.dumps(report, indent=2, default=str) + "\n")
        print(f"results written to {path.relative_to(REPO_ROOT)}")
    return 0 if report["valid"] else 1


def consistency(url: str, results: list[dict[str, Any]], hot: str) -> dict[str, Any]:
    """Every acknowledged transfer is stored, debits equal credits, and nothing else was written."""
    acknowledged = sum(r["transfers_ok_total"] for r in results)
    hot_expected = sum(r["transfers_ok_total"] for r in results if r["hot"])
    with psycopg.connect(libpq_url(url)) as conn:
        stored = conn.execute("SELECT count(*) FROM transfers").fetchone()
        sums = conn.execute(
            "SELECT sum(credits_posted - debits_posted), sum(debits_posted) FROM accounts"
        ).fetchone()
        hot_row = conn.execute(
            "SELECT version FROM accounts WHERE id = %s", (uuid.UUID(hot),)
        ).fetchone()
    assert stored is not None and sums is not None and hot_row is not None
    out = {
        "transfers_acknowledged": acknowledged,
        "transfers_stored": int(stored[0]),
        "net_balance": int(sums[0]),
        "debits_posted": int(sums[1]),
        "hot_account_version": int(hot_row[0]),
        "hot_transfers_acknowledged": hot_expected,
    }
    out["ok"] = (
        out["transfers_stored"] == acknowledged == out["debits_posted"]
        and out["net_balance"] == 0
        and out["hot_account_version"] == hot_expected
    )
    return out


if __name__ == "__main__":
    with suppress(KeyboardInterrupt):
        sys.exit(main())
    sys.exit(130)
