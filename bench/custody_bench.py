"""Custody operations per second over gRPC: the demo's mix of calls from concurrent clients.

Run by hand, never from the test suite (it loads the whole machine for a minute or two):

    .venv/bin/python -m bench.custody_bench --seconds 10

What it does, on the PostgreSQL server named by --database-url:

1. creates a fresh database fangxin_custody_bench_<random>, migrates it and seeds it with the
   demo's sample (`services.demo`, --seed-cards cards over 30 simulated days, so cooling-off
   windows are over and merchants have money they may release), in-process;
2. starts the server in a separate process (`python -m services.cli serve --listen 127.0.0.1:0`)
   on that database, with the real clock;
3. runs --clients callers spread over --client-processes processes for --warmup + --seconds.
   Each caller loops over the demo's mix against the fifteen trading merchants, on cards it sold
   itself (so its uses and refunds are valid): new sales, top-ups, uses written off by the
   consumer, uses recorded by the merchant then confirmed or disputed, cooling-off and balance
   refunds paid and confirmed by the bank, small releases confirmed by the bank, and reads of
   positions and card statements;
4. reports custody operations per second (every API call; commands and reads apart), refusals by
   rule (a refusal is a decision too), latency percentiles overall and per method, the custody
   decisions the writer stamped in the window with its batch size, and the CPU split between the
   server process, PostgreSQL, the clients and idle time, against the target of 5,000 ops/s;
5. checks the journal (hash chain, debits = credits), writes JSON to
   bench/results/custody-<timestamp>.json and drops the database.

A run is INVALID (exit status 1) if any call fails other than by a custody rule's refusal.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from multiprocessing.context import SpawnProcess
from multiprocessing.queues import Queue as MpQueue
from pathlib import Path
from typing import Any

import grpc
import psycopg
from google.protobuf.message import Message

from bench.ledger_bench import (
    BACKGROUND_BUSY_MAX,
    LISTENING,
    CpuSample,
    ServerProcess,
    background_load,
    cpu_breakdown,
    cpu_seconds,
    machine,
    server_process,
)
from fangxin.v1 import custody_pb2 as pb
from fangxin.v1 import custody_pb2_grpc
from ledger.audit import verify_chain
from ledger.pg import migrate
from ledger.pg.database import create_database, drop_database, libpq_url, make_engine
from ledger.pg.reader import journal
from services import demo
from services.server import create_server
from services.settings import Settings

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
TARGET_OPS = 5_000.0  # the target, custody operations per second
CALL_TIMEOUT_S = 60.0
READS = frozenset({"GetMerchantPosition", "GetCardStatement", "ListInstructions"})
TRADING = tuple(s for s in demo.SHOPS if s.merchant_id != demo.DEFAULTER)
# (action, weight): roughly the demo's proportions, with more reads than the demo makes.
MIX = (
    ("sale", 24), ("topup", 3), ("use", 30), ("merchant_use", 15), ("read", 16),
    ("cooling_off_refund", 4), ("balance_refund", 4), ("release", 4),
)  # fmt: skip
CNY = 100


# -- one caller ------------------------------------------------------------------------------------


@dataclass
class OwnCard:
    card_id: str
    merchant_id: str
    holder_id: str
    offer: demo.Offer
    lot_id: str
    sold_at: float  # time.time()
    face_left_fen: int
    sessions_left: int
    used: bool = False


@dataclass
class Tally:
    """What one client process saw in the measured window (and outside it, for validity)."""

    index: int
    latencies_s: dict[str, list[float]] = field(default_factory=dict)  # per method, in window
    outcomes: Counter[str] = field(default_factory=Counter)  # "method ok", "method R13", ...
    errors: Counter[str] = field(default_factory=Counter)  # unexpected failures, whole run
    cpu_s: float = 0.0


class Caller:
    """One thread's loop over the mix; it only touches cards it sold itself."""

    def __init__(
        self,
        stub: Any,
        name: str,
        seed: int,
        window: tuple[float, float],
        tally: Tally,
        mix: tuple[tuple[str, int], ...] = MIX,
    ) -> None:
        self.stub, self.name, self.rng = stub, name, random.Random(seed)
        self.start, self.end = window
        self.tally = tally
        self.cards: list[OwnCard] = []
        self.n = 0
        self.latencies: dict[str, list[float]] = {}
        self.outcomes: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        actions, weights = zip(*mix, strict=True)
        self.actions: tuple[str, ...] = actions
        self.weights: tuple[int, ...] = weights

    def run(self, lock: threading.Lock) -> None:
        while time.monotonic() < self.end:
            action = self.rng.choices(self.actions, self.weights)[0]
            if not self.cards or (action != "sale" and self.rng.random() < 0.05):
                action = "sale"
            getattr(self, f"_{action}")()
        with lock:
            for method, values in self.latencies.items():
                self.tally.latencies_s.setdefault(method, []).extend(values)
            self.tally.outcomes.update(self.outcomes)
            self.tally.errors.update(self.errors)

    # -- calls -----------------------------------------------------------------------------------

    def call(self, method: str, request: Message) -> Any:
        """The response, or None when a rule refused the command (counted as a decision)."""
        t0 = time.monotonic()
        outcome, response = "ok", None
        try:
            response = getattr(self.stub, method)(request, timeout=CALL_TIMEOUT_S)
        except grpc.RpcError as exc:
            reason, rules = demo.error_info(exc)
            if exc.code() == grpc.StatusCode.FAILED_PRECONDITION and rules:
                outcome = f"refused {rules}"
            else:
                outcome = f"error {exc.code().name} {reason}"
                self.errors[f"{method}: {exc.code().name} {reason} {exc.details()}"[:200]] += 1
        t1 = time.monotonic()
        if self.start <= t1 < self.end:
            self.latencies.setdefault(method, []).append(t1 - t0)
            self.outcomes[f"{method} {outcome}"] += 1
        return response

    def _id(self) -> str:
        self.n += 1
        return f"{self.name}-{self.n}"

    # -- the mix ---------------------------------------------------------------------------------

    def _sale(self) -> None:
        shop = self.rng.choice(TRADING)
        offer = demo.card_offer(shop.industry, self.rng)
        card_id, holder = self._id(), f"{self.name}-h{self.n}"
        term = {}
        if offer.kind == demo.MEMBERSHIP:
            today = date.today()
            term = {"term_starts_on": today.isoformat(),
                    "term_ends_on": (today + timedelta(days=365)).isoformat()}  # fmt: skip
        rid = str(uuid.uuid4())
        reply = self.call("RecordSale", pb.RecordSaleRequest(
            request_id=rid, actor=f"bank:{shop.bank}", merchant_id=shop.merchant_id,
            card_id=card_id, holder_id=holder, kind=offer.kind, registered=not offer.bearer,
            paid_fen=offer.paid_fen, bonus_fen=offer.bonus_fen,
            list_amount_fen=offer.list_amount_fen, sessions=offer.sessions,
            list_prices=offer.prices, **term))  # fmt: skip
        if reply is not None:
            self.cards.append(OwnCard(
                card_id, shop.merchant_id, holder, offer, reply.lot_id or f"{card_id}/{rid}",
                time.time(), offer.paid_fen + offer.bonus_fen, offer.sessions))  # fmt: skip
            del self.cards[:-200]  # keep the working set small

    def _topup(self) -> None:
        card = self._card(lambda c: c.offer.kind == demo.STORED_VALUE and not c.offer.bearer
                          and c.offer.paid_fen <= 3_000 * CNY)  # fmt: skip
        if card is None:
            return
        shop = demo.SHOP[card.merchant_id]
        reply = self.call("RecordSale", pb.RecordSaleRequest(
            request_id=str(uuid.uuid4()), actor=f"bank:{shop.bank}",
            merchant_id=card.merchant_id, card_id=card.card_id, holder_id=card.holder_id,
            kind=card.offer.kind, registered=True, paid_fen=500 * CNY, bonus_fen=100 * CNY,
            list_prices=card.offer.prices))  # fmt: skip
        if reply is not None:
            card.face_left_fen += 600 * CNY
            card.offer = card.offer._replace(paid_fen=card.offer.paid_fen + 500 * CNY)

    def _use(self, by_merchant: bool = False) -> None:
        card = self._card(lambda c: c.offer.kind != demo.MEMBERSHIP and (
            c.sessions_left > 0 if c.offer.sessions else c.face_left_fen > 0))  # fmt: skip
        if card is None:
            return
        item = self.rng.choice(sorted(card.offer.prices))
        if card.offer.sessions:
            card.sessions_left -= 1
        elif card.offer.prices[item] > card.face_left_fen:
            card.face_left_fen = 0  # too little left for this item: leave the card alone
            return
        else:
            card.face_left_fen -= card.offer.prices[item]
        card.used = True
        redemption_id = self._id()
        reply = self.call(
            "RecordRedemption",
            pb.RecordRedemptionRequest(
                request_id=str(uuid.uuid4()),
                actor=f"merchant:{card.merchant_id}",
                merchant_id=card.merchant_id,
                redemption_id=redemption_id,
                card_id=card.card_id,
                item=item,
                quantity=1,
                initiated_by=pb.INITIATOR_MERCHANT if by_merchant else pb.INITIATOR_CONSUMER,
            ),
        )
        if reply is None or not by_merchant:
            return
        fields = dict(request_id=str(uuid.uuid4()), actor=f"consumer:{card.holder_id}",
                      merchant_id=card.merchant_id, redemption_id=redemption_id)  # fmt: skip
        if self.rng.random() < 0.9:
            self.call("ConfirmRedemption", pb.ConfirmRedemptionRequest(**fields))
        else:
            self.call("DisputeRedemption", pb.DisputeRedemptionRequest(**fields))

    def _merchant_use(self) -> None:
        self._use(by_merchant=True)

    def _read(self) -> None:
        card = self.rng.choice(self.cards)
        if self.rng.random() < 0.5:
            self.call("GetMerchantPosition", pb.GetMerchantPositionRequest(
                merchant_id=card.merchant_id))  # fmt: skip
        else:
            self.call("GetCardStatement", pb.GetCardStatementRequest(
                merchant_id=card.merchant_id, card_id=card.card_id))  # fmt: skip

    def _cooling_off_refund(self) -> None:
        card = self._card(lambda c: not c.used and time.time() - c.sold_at < 6 * 86_400)
        if card is not None:
            self._refund(card, pb.RequestCoolingOffRefundRequest(
                request_id=str(uuid.uuid4()), actor=f"consumer:{card.holder_id}",
                merchant_id=card.merchant_id, refund_id=self._id(), lot_id=card.lot_id,
                channel=pb.REFUND_CHANNEL_BANK_ACCOUNT))  # fmt: skip

    def _balance_refund(self) -> None:
        card = self._card(lambda c: True)
        if card is not None:
            reason = self.rng.choice(
                (pb.REFUND_REASON_MERCHANT_FAULT, pb.REFUND_REASON_CONSUMER_REASON)
            )
            self._refund(card, pb.RequestBalanceRefundRequest(
                request_id=str(uuid.uuid4()), actor=f"consumer:{card.holder_id}",
                merchant_id=card.merchant_id, refund_id=self._id(), card_id=card.card_id,
                reason=reason, channel=pb.REFUND_CHANNEL_BANK_ACCOUNT))  # fmt: skip

    def _refund(self, card: OwnCard, request: Message) -> None:
        """Book, pay, and have the bank confirm what it was told to pay."""
        self.cards.remove(card)
        method = type(request).__name__.removesuffix("Request")
        booked = self.call(method, request)
        if booked is None:
            return
        paid = self.call("PayRefund", pb.PayRefundRequest(
            request_id=str(uuid.uuid4()), actor="regulator:bench",
            merchant_id=card.merchant_id, refund_id=booked.refund.refund_id))  # fmt: skip
        if paid is not None:
            self._bank(card.merchant_id, paid.result.instruction_ids)

    def _release(self) -> None:
        shop = self.rng.choice(TRADING)
        position = self.call("GetMerchantPosition", pb.GetMerchantPositionRequest(
            merchant_id=shop.merchant_id))  # fmt: skip
        if position is None or position.releasable_fen <= 0:
            return
        released = self.call("RequestRelease", pb.RequestReleaseRequest(
            request_id=str(uuid.uuid4()), actor=f"merchant:{shop.merchant_id}",
            merchant_id=shop.merchant_id,
            amount_fen=min(position.releasable_fen, 500 * CNY)))  # fmt: skip
        if released is not None:
            self._bank(shop.merchant_id, released.result.instruction_ids)

    def _bank(self, merchant_id: str, instruction_ids: Any) -> None:
        for instruction_id in instruction_ids:
            self.call("ConfirmInstruction", pb.ConfirmInstructionRequest(
                request_id=str(uuid.uuid4()), actor=f"bank:{demo.SHOP[merchant_id].bank}",
                merchant_id=merchant_id, instruction_id=instruction_id))  # fmt: skip

    def _card(self, wanted: Callable[[OwnCard], bool]) -> OwnCard | None:
        for _ in range(8):
            card = self.rng.choice(self.cards)
            if wanted(card):
                return card
        return None


@dataclass(frozen=True)
class WorkerSpec:
    index: int
    port: int
    threads: int
    warmup_s: float
    seconds: float
    mix: tuple[tuple[str, int], ...] = MIX


def client_process(spec: WorkerSpec, ready: MpQueue[int], go: MpQueue[float],
                   results: MpQueue[Tally]) -> None:  # fmt: skip
    """One load-generating process: `spec.threads` callers on one channel, blocking calls."""
    with grpc.insecure_channel(f"127.0.0.1:{spec.port}") as channel:
        grpc.channel_ready_future(channel).result(timeout=30)
        stub = custody_pb2_grpc.CustodyServiceStub(channel)  # type: ignore[no-untyped-call]
        ready.put(spec.index)
        t0 = go.get()
        start = t0 + spec.warmup_s
        end = start + spec.seconds
        tally = Tally(spec.index)
        lock = threading.Lock()
        tag = secrets.token_hex(3)
        callers = [
            Caller(
                stub, f"b{tag}{spec.index}t{i}", secrets.randbits(64), (start, end), tally, spec.mix
            )
            for i in range(spec.threads)
        ]
        threads = [threading.Thread(target=c.run, args=(lock,)) for c in callers]
        time.sleep(max(0.0, t0 - time.monotonic()))
        for t in threads:
            t.start()
        time.sleep(max(0.0, start - time.monotonic()))
        cpu0 = time.process_time()
        time.sleep(max(0.0, end - time.monotonic()))
        tally.cpu_s = time.process_time() - cpu0
        for t in threads:
            t.join()
    results.put(tally)


# -- the run ---------------------------------------------------------------------------------------


@contextmanager
def custody_server(url: str, log_dir: Path, switch_interval_ms: float) -> Iterator[ServerProcess]:
    """`fangxin serve` in its own process; optionally with another GIL switch interval."""
    if not switch_interval_ms:
        with server_process(url, log_dir) as server:
            yield server
        return
    code = (
        f"import runpy, sys; sys.setswitchinterval({switch_interval_ms / 1000!r});"
        " sys.argv = ['fangxin', *sys.argv[1:]];"
        " runpy.run_module('services.cli', run_name='__main__')"
    )
    log = log_dir / "server.log"
    with open(log, "w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-c", code, "serve", "--listen", "127.0.0.1:0", "--database-url", url],
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
            tail = "\n".join(log.read_text().splitlines()[-20:])
            raise RuntimeError(f"the server exited before listening:\n{tail}")
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        yield ServerProcess(proc, port, log)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def seed(url: str, cards: int) -> dict[str, Any]:
    """The demo's sample, through an in-process server that is stopped afterwards."""
    clock = demo.SimClock(demo.HISTORY_DAYS)
    running = create_server(Settings(listen="127.0.0.1:0"), url, clock=clock)
    try:
        summary = demo.run(running, clock, cards, stream=io.StringIO())
    finally:
        running.stop(grace_s=2)
    return {"cards": summary.cards_planned, "calls": summary.calls,
            "seconds": round(summary.seconds, 1), "journal_entries": summary.journal_entries,
            "calls_per_s_in_process": round(summary.calls / summary.seconds, 1)}  # fmt: skip


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    rank = max(1, -(-len(values) * q // 100))
    return values[int(rank) - 1]


def _latency_ms(values: list[float]) -> dict[str, float]:
    v = sorted(values)
    return {k: round(_percentile(v, q) * 1000, 2) for k, q in (("p50", 50), ("p90", 90),
            ("p99", 99), ("max", 100))}  # fmt: skip


def writer_side(url: str, start_ns: int, end_ns: int) -> dict[str, float]:
    """Custody decisions stamped in the window; a writer batch shares one decided_at."""
    with psycopg.connect(libpq_url(url)) as conn:
        row = conn.execute(
            "SELECT count(*), count(DISTINCT decided_at) FROM custody_decisions"
            " WHERE decided_at >= %s AND decided_at < %s",
            (start_ns, end_ns),
        ).fetchone()
    assert row is not None
    seconds = (end_ns - start_ns) / 1e9
    decisions, batches = int(row[0]), int(row[1])
    return {
        "decisions_per_s": round(decisions / seconds, 1),
        "writer_batches_per_s": round(batches / seconds, 1),
        "decisions_per_writer_batch": round(decisions / batches, 2) if batches else 0.0,
    }


def measure(url: str, server: ServerProcess, args: argparse.Namespace) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")  # no fork after grpc was initialised
    ready: MpQueue[int] = ctx.Queue()
    go: MpQueue[float] = ctx.Queue()
    results: MpQueue[Tally] = ctx.Queue()
    n = args.client_processes
    per_process = [args.clients // n + (i < args.clients % n) for i in range(n)]
    procs: list[SpawnProcess] = []
    for i, threads in enumerate(t for t in per_process if t):
        mix = tuple((a, w) for a, w in MIX if a not in args.without)
        spec = WorkerSpec(i, server.port, threads, args.warmup, args.seconds, mix)
        p = ctx.Process(target=client_process, args=(spec, ready, go, results), daemon=True)
        p.start()
        procs.append(p)
    try:
        for _ in procs:
            ready.get(timeout=60)
        t0 = time.monotonic() + 0.2
        for _ in procs:
            go.put(t0)
        start = t0 + args.warmup
        time.sleep(max(0.0, start - time.monotonic()))
        before = CpuSample.take(server.proc.pid)
        time.sleep(max(0.0, start + args.seconds - time.monotonic()))
        after = CpuSample.take(server.proc.pid)
        tallies = [results.get(timeout=CALL_TIMEOUT_S + 60) for _ in procs]
        for p in procs:
            p.join(30)
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
    return summarise(url, args, tallies, before, after)


def summarise(
    url: str, args: argparse.Namespace, tallies: list[Tally], before: CpuSample, after: CpuSample
) -> dict[str, Any]:
    latencies: dict[str, list[float]] = {}
    outcomes: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for t in tallies:
        for method, values in t.latencies_s.items():
            latencies.setdefault(method, []).extend(values)
        outcomes.update(t.outcomes)
        errors.update(t.errors)
    seconds = args.seconds
    calls = sum(len(v) for v in latencies.values())
    reads = sum(len(v) for m, v in latencies.items() if m in READS)
    refused = sum(n for k, n in outcomes.items() if " refused " in k)
    clients_s = sum(t.cpu_s for t in tallies)
    used = cpu_seconds(before, after, clients_s)
    return {
        "ops_per_s": round(calls / seconds, 1),
        "commands_per_s": round((calls - reads) / seconds, 1),
        "reads_per_s": round(reads / seconds, 1),
        "refused_per_s": round(refused / seconds, 1),
        "target_ops_per_s": TARGET_OPS,
        "vs_target": round(calls / seconds / TARGET_OPS, 3),
        "latency_ms": _latency_ms([x for v in latencies.values() for x in v]),
        "by_method": {
            m: {"per_s": round(len(v) / seconds, 1), "latency_ms": _latency_ms(v)}
            for m, v in sorted(latencies.items())
        },
        "outcomes": dict(sorted(outcomes.items())),
        "errors": dict(errors),
        "client_cpu_per_process": [round(t.cpu_s / seconds, 3) for t in tallies],
        "machine_cpu_share": cpu_breakdown(before, after, clients_s),
        "cpu_us_per_op": {
            k: round(used[k] / calls * 1e6, 1) if calls else None
            for k in ("server", "postgres", "clients")
        },
        "writer": writer_side(url, before.wall_ns, after.wall_ns),
    }


def check_journal(url: str) -> dict[str, Any]:
    """The chain verifies and debits equal credits."""
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        entries = journal(conn, limit=10_000_000)
    engine.dispose()
    with psycopg.connect(libpq_url(url)) as conn:
        row = conn.execute(
            "SELECT coalesce(sum(credits_posted - debits_posted), 0),"
            " coalesce(sum(credits_pending - debits_pending), 0) FROM accounts"
        ).fetchone()
    assert row is not None
    violations = verify_chain(entries)
    return {"entries": len(entries), "chain_violations": len(violations),
            "net_posted": int(row[0]), "net_pending": int(row[1]),
            "ok": not violations and (int(row[0]), int(row[1])) == (0, 0)}  # fmt: skip


def print_report(report: dict[str, Any]) -> None:
    r = report["result"]
    cpu = r["machine_cpu_share"]
    print(f"\ncustody operations: {r['ops_per_s']:,.0f}/s ({r['commands_per_s']:,.0f} commands,"
          f" {r['reads_per_s']:,.0f} reads; {r['refused_per_s']:,.0f}/s refused by a rule)"
          f" = {r['vs_target']:.0%} of the {TARGET_OPS:,.0f}/s target")  # fmt: skip
    lat = r["latency_ms"]
    print(f"latency per call: p50 {lat['p50']} ms, p90 {lat['p90']} ms, p99 {lat['p99']} ms,"
          f" max {lat['max']} ms")  # fmt: skip
    w = r["writer"]
    print(f"writer: {w['decisions_per_s']:,.0f} decisions/s in {w['writer_batches_per_s']:,.0f}"
          f" batches/s ({w['decisions_per_writer_batch']} per batch)")  # fmt: skip
    print("cpu share of the machine: " + ", ".join(f"{k} {v:.0%}" for k, v in cpu.items())
          + f"; µs per op: {r['cpu_us_per_op']}")  # fmt: skip
    print(f"client processes' cpu (cores): {r['client_cpu_per_process']}")
    print("\n| method | calls/s | p50 ms | p99 ms |\n| --- | --- | --- | --- |")
    for m, v in r["by_method"].items():
        print(f"| {m} | {v['per_s']:,.0f} | {v['latency_ms']['p50']} | {v['latency_ms']['p99']} |")
    print(f"\noutcomes: {r['outcomes']}")
    if r["errors"]:
        print(f"errors: {r['errors']}")
    print(f"journal: {report['journal']}")
    print(f"\nrun {'VALID' if report['valid'] else 'INVALID: ' + '; '.join(report['problems'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.custody_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up before measuring")
    parser.add_argument("--database-url", default=DEFAULT_SERVER_URL,
                        help="PostgreSQL server to create the benchmark database on")  # fmt: skip
    parser.add_argument("--seed-cards", type=int, default=1_000, help="demo sample size")
    parser.add_argument("--clients", type=int, default=32, help="concurrent callers")
    parser.add_argument("--client-processes", type=int, default=4,
                        help="processes the callers are spread over")  # fmt: skip
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait up to this long for other work on the machine to stop",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    parser.add_argument(
        "--without", type=lambda t: frozenset(t.split(",")), default=frozenset(),
        help=f"actions left out of the mix, comma-separated, from: {', '.join(a for a, _ in MIX)}",
    )  # fmt: skip
    parser.add_argument(
        "--switch-interval-ms", type=float, default=0.0,
        help="run the server with sys.setswitchinterval (default: Python's 5 ms)",
    )  # fmt: skip
    args = parser.parse_args(argv)

    server_url = args.database_url
    name = f"fangxin_custody_bench_{secrets.token_hex(4)}"
    started = datetime.now(UTC)
    report: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "command": " ".join(["python -m bench.custody_bench", *(argv or sys.argv[1:])]),
        "arguments": vars(args),
        "machine": machine(server_url),
    }
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
        url = create_database(server_url, name)
        migrate.upgrade(url)
        print(f"seeding the demo sample ({args.seed_cards} cards) in {name} ...", flush=True)
        report["seed"] = seed(url, args.seed_cards)
        print(f"  {report['seed']}", flush=True)
        with (
            tempfile.TemporaryDirectory(prefix="fangxin-custody-bench-") as tmp,
            custody_server(url, Path(tmp), args.switch_interval_ms) as server,
        ):
            print(f"server pid {server.proc.pid} on port {server.port}; {args.clients}"
                  f" callers in {args.client_processes} processes", flush=True)  # fmt: skip
            report["result"] = measure(url, server, args)
            if server.proc.poll() is not None:
                problems.append("the server exited during the run")
        report["journal"] = check_journal(url)
    finally:
        if not args.keep:
            with suppress(Exception):
                drop_database(server_url, name)
    if report["result"]["errors"]:
        problems.append(f"calls failed: {report['result']['errors']}")
    if not report["journal"]["ok"]:
        problems.append(f"journal check failed: {report['journal']}")
    report["valid"] = not problems
    report["problems"] = problems
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    print_report(report)
    if not args.no_save:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"custody-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
        path.write_text(json.dumps(report, indent=2, default=str) + "\n")
        print(f"results written to {path.relative_to(REPO_ROOT)}")
    return 0 if report["valid"] else 1


if __name__ == "__main__":
    with suppress(KeyboardInterrupt):
        sys.exit(main())
    sys.exit(130)
