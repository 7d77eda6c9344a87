"""The single batching writer: one thread, one connection, one transaction per batch.

gRPC handlers put requests on a bounded queue and wait. The writer drains the queue, loads the
rows the batch refers to inside the batch's transaction, applies every event in order with the
pure engine, writes exactly the engine's changes and commits (group commit), then answers every
caller. A hot account costs nothing extra: it is one row in memory for the whole batch.

Only one writer may exist per database. The writer holds a session-level advisory lock for its
lifetime; a second server's writer stays in standby (its writes fail with UNAVAILABLE) and takes
over when the lock frees. Each batch also locks the `ledger_head` row, so even a writer that lost
its session lock cannot interleave with another.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol
from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb

from ledger.encoding import ENCODING_VERSION
from ledger.engine import Changes, Engine, LedgerState, expiry_id
from ledger.model import (
    Account,
    CreateAccountResult,
    CreateTransferResult,
    PendingState,
    PendingStatus,
    Transfer,
    TransferFlags,
)
from ledger.pg.database import libpq_url

_log = logging.getLogger(__name__)

WRITER_LOCK_KEY = 0x4658_5752_4954  # "FXWRIT": one writer per database
ACCOUNT_COLUMNS = (
    "id, ledger, currency, code, flags, metadata, debits_pending, debits_posted,"
    " credits_pending, credits_posted, version, timestamp"
)
TRANSFER_COLUMNS = (
    "seq, id, ledger, debit_account_id, credit_account_id, amount, currency, code, flags,"
    " pending_id, timeout_s, metadata, timestamp, encoding_version, prev_hash, hash"
)
BALANCE_COLUMNS = (
    "account_id, timestamp, ledger, version, transfer_id, debits_pending, debits_posted,"
    " credits_pending, credits_posted"
)

Connection = psycopg.Connection[tuple[Any, ...]]
TRANSFER_TYPES = [
    "int8", "uuid", "int4", "uuid", "uuid", "int8", "varchar", "int4", "int4", "uuid", "int4",
    "jsonb", "int8", "int2", "bytea", "bytea",
]  # fmt: skip
BALANCE_TYPES = ["uuid", "int8", "int4", "int8", "uuid", "int8", "int8", "int8", "int8"]
_STAGED_UPDATE_MIN = 256  # touched accounts above which a batch stages its balance updates
AccountResults = list[tuple[CreateAccountResult, int]]
TransferResults = list[tuple[CreateTransferResult, int]]


class WriterUnavailable(Exception):
    """The writer cannot take this request now; nothing was written, retrying is safe."""

    def __init__(self, message: str, reason: str = "WRITER_UNAVAILABLE") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass(slots=True)
class _Request:
    kind: Literal["accounts", "transfers", "command"]
    events: Sequence[Any]
    done: threading.Event = field(default_factory=threading.Event)
    results: Any = None
    error: Exception | None = None


class BatchAborted(Exception):
    """Raised by an executor when a command failed after it began changing the engine's state:
    the state may be half-applied, so the whole batch must roll back (its callers may retry)."""


class CommandExecutor(Protocol):
    """Domain commands applied by the writer inside its batch transaction, so that a rule check
    and the transfers it permits commit together and see every earlier command's effects."""

    def prepare(self, conn: Connection, commands: Sequence[Any]) -> Iterable[UUID]:
        """Called once per batch before any command runs: fetch what can be fetched for all of
        them at once; returns accounts to load."""
        ...

    def execute(self, engine: Engine, conn: Connection, command: Any, now: int) -> Any:
        """Decide and apply one command through `engine`; return its outcome. An exception
        raised before the engine's state changes fails that command only; after, the executor
        raises BatchAborted and the batch rolls back."""
        ...

    def flush(self, conn: Connection) -> None:
        """Write what the batch's commands recorded, inside the batch transaction."""
        ...

    def invalidate(self) -> None:
        """Forget cached state: the transaction failed or another writer wrote."""
        ...


@dataclass(frozen=True, slots=True)
class WriterLimits:
    queue_requests_max: int = 4096
    batch_events_max: int = 16_380
    expiries_per_batch_max: int = 1_000
    idle_wake_s: float = 0.25
    submit_timeout_s: float = 30.0
    standby_retry_s: float = 1.0
    expiry_sweep_interval_ns: int = 100_000_000


class Writer:
    def __init__(
        self,
        database_url: str,
        *,
        limits: WriterLimits | None = None,
        clock: Callable[[], int] = time.time_ns,
        executor: CommandExecutor | None = None,
    ) -> None:
        self._url = libpq_url(database_url)
        self._limits = limits or WriterLimits()
        self._clock = clock
        self._queue: queue.Queue[_Request | None] = queue.Queue(self._limits.queue_requests_max)
        self._conn: Connection | None = None
        self._leader = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fangxin-writer", daemon=True)
        self._standby_reason = "the writer has not started yet"
        self._carry: _Request | None = None
        self._executor = executor
        # Every account the writer has read, kept exact by applying each batch to it in place.
        # It is authoritative only while this writer alone writes: it is dropped whenever a
        # batch fails or the chain head moved under us (another writer committed).
        self._accounts: dict[UUID, Account] = {}
        self._head_seq_seen = -1
        self._last_sweep_ns = 0

    # -- public API (called from gRPC handler threads) -------------------------------------------

    def start(self, wait_for_leadership_s: float = 5.0) -> bool:
        """Start the writer thread; True once it holds the writer lock."""
        self._thread.start()
        return self._leader.wait(wait_for_leadership_s)

    @property
    def is_leader(self) -> bool:
        return self._leader.is_set()

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop taking requests, finish the queued ones, release the lock, close."""
        self._stopping.set()
        try:
            self._queue.put(None, timeout=timeout_s)
        except queue.Full:
            _log.warning("writer queue stayed full during shutdown")
        self._thread.join(timeout_s)

    def submit_accounts(self, accounts: Sequence[Account]) -> AccountResults:
        results: AccountResults = self._submit(_Request("accounts", accounts))
        return results

    def submit_transfers(self, transfers: Sequence[Transfer]) -> TransferResults:
        results: TransferResults = self._submit(_Request("transfers", transfers))
        return results

    def submit_command(self, command: object) -> Any:
        """Run one domain command through the executor; returns its outcome."""
        assert self._executor is not None, "this writer has no command executor"
        return self._submit(_Request("command", [command]))

    def _submit(self, request: _Request) -> Any:
        assert 0 < len(request.events) <= self._limits.batch_events_max
        if self._stopping.is_set():
            raise WriterUnavailable("the server is shutting down", "WRITER_STOPPING")
        if not self._leader.is_set():
            raise WriterUnavailable(self._standby_reason, "WRITER_STANDBY")
        try:
            self._queue.put_nowait(request)
        except queue.Full:
            raise WriterUnavailable(
                "the write queue is full; retry with the same ids", "WRITER_QUEUE_FULL"
            ) from None
        if not request.done.wait(self._limits.submit_timeout_s):
            # The request may still commit later: the caller must retry with the same ids.
            raise WriterUnavailable(
                "no answer from the writer in time; retry with the same ids", "WRITER_TIMEOUT"
            )
        if request.error is not None:
            raise request.error
        assert request.results is not None
        return request.results

    # -- the writer thread ---------------------------------------------------------------------

    def _run(self) -> None:
        stop_seen = False
        while True:
            if not self._ensure_leader():
                if self._stopping.is_set():
                    break
                self._fail_queued(WriterUnavailable(self._standby_reason, "WRITER_STANDBY"))
                time.sleep(self._limits.standby_retry_s)
                continue
            batch, stop = self._next_batch()
            stop_seen = stop_seen or stop
            try:
                self._apply(batch)
            except psycopg.OperationalError as exc:
                _log.error("database unavailable, batch of %d requests failed: %s", len(batch), exc)
                self._fail(batch, WriterUnavailable(f"database unavailable: {exc}", "DATABASE"))
                self._drop_connection()
            except Exception as exc:  # a bug or a constraint the code should have caught
                _log.exception("write batch failed")
                self._fail(batch, WriterUnavailable(f"write failed: {exc}", "WRITE_FAILED"))
                self._drop_connection()
            if stop_seen and self._carry is None:
                break
        self._fail_queued(WriterUnavailable("the server is shutting down", "WRITER_STOPPING"))
        self._drop_connection()

    def _next_batch(self) -> tuple[list[_Request], bool]:
        """Block for the first request (or the idle wake-up), then take what is queued."""
        batch: list[_Request] = []
        first, self._carry = self._carry, None
        if first is None:
            try:
                first = self._queue.get(timeout=self._limits.idle_wake_s)
            except queue.Empty:
                return batch, False
            if first is None:
                return batch, True
        batch.append(first)
        events = len(first.events)
        while events < self._limits.batch_events_max:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                return batch, True
            if events + len(item.events) > self._limits.batch_events_max:
                self._carry = item  # it leads the next batch, keeping arrival order
                break
            batch.append(item)
            events += len(item.events)
        return batch, False

    def _fail(self, batch: Iterable[_Request], error: WriterUnavailable) -> None:
        for request in batch:
            request.error = error
            request.done.set()

    def _fail_queued(self, error: WriterUnavailable) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is not None:
                self._fail([item], error)

    # -- leadership ------------------------------------------------------------------------------

    def _ensure_leader(self) -> bool:
        if self._conn is not None and not self._conn.closed:
            return True
        self._leader.clear()
        try:
            conn = psycopg.connect(
                self._url,
                application_name=f"fangxin-writer pid={os.getpid()}",
                connect_timeout=10,
            )
        except psycopg.OperationalError as exc:
            self._standby_reason = f"database unavailable: {exc}"
            return False
        conn.autocommit = True
        got = conn.execute("SELECT pg_try_advisory_lock(%s)", (WRITER_LOCK_KEY,)).fetchone()
        if not (got and got[0]):
            holder = conn.execute(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a"
                " ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
                " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND (l.classid::bigint << 32 | l.objid::bigint) = %s",
                (WRITER_LOCK_KEY,),
            ).fetchone()
            conn.close()
            self._standby_reason = (
                "another Fangxin writer holds this database's writer lock"
                f" ({holder[0] if holder else 'unknown holder'}); this server is read-only"
                " until it stops"
            )
            return False
        conn.execute(
            "CREATE TEMP TABLE account_updates (id uuid PRIMARY KEY, dp int8, dpo int8, cp int8,"
            " cpo int8, ver int8) ON COMMIT DELETE ROWS"
        )
        conn.autocommit = False
        self._conn = conn
        self._leader.set()
        _log.info("writer lock acquired")
        return True

    def _invalidate(self) -> None:
        self._accounts.clear()
        self._head_seq_seen = -1
        if self._executor is not None:
            self._executor.invalidate()

    def _drop_connection(self) -> None:
        self._invalidate()
        self._leader.clear()
        conn, self._conn = self._conn, None
        if conn is not None and not conn.closed:
            conn.close()  # also releases the session advisory lock

    # -- one batch, one transaction --------------------------------------------------------------

    def _apply(self, batch: list[_Request]) -> None:
        conn = self._conn
        assert conn is not None
        now = self._clock()
        with conn.transaction():
            state, due = self._load(conn, batch, now)
            if not batch and not due:
                return
            engine = Engine(state, now)
            engine.expire(due)
            for request in batch:
                if request.kind == "command":
                    self._run_command(engine, conn, request, now)
                else:
                    request.results = _run_request(engine, request)
            _write(conn, engine.state, engine.changes)
            if self._executor is not None:
                self._executor.flush(conn)
        self._head_seq_seen = state.head_seq
        for request in batch:
            request.done.set()

    def _run_command(self, engine: Engine, conn: Connection, request: _Request, now: int) -> None:
        assert self._executor is not None
        try:
            request.results = self._executor.execute(engine, conn, request.events[0], now)
        except (WriterUnavailable, BatchAborted):
            raise
        except Exception as exc:  # raised before any state changed: this command alone fails
            request.error = exc

    def _load(
        self, conn: Connection, batch: list[_Request], now: int
    ) -> tuple[LedgerState, list[UUID]]:
        head = conn.execute(
            "SELECT last_timestamp, head_seq, head_hash FROM ledger_head WHERE id = 1 FOR UPDATE"
        ).fetchone()
        assert head is not None, "ledger_head row missing: run the migrations"
        if int(head[1]) != self._head_seq_seen:
            self._invalidate()  # first batch, or another writer committed since our last one
        state = LedgerState(
            accounts=self._accounts,
            last_timestamp=int(head[0]),
            head_seq=int(head[1]),
            head_hash=bytes(head[2]),
        )
        due: list[UUID] = []
        # The engine itself refuses to post or void a hold past its timeout, so the sweep that
        # books expiries is bookkeeping: at most every sweep interval, not a round trip a batch.
        if now - self._last_sweep_ns >= self._limits.expiry_sweep_interval_ns or not batch:
            self._last_sweep_ns = now
            due = [
                row[0]
                for row in conn.execute(
                    "SELECT transfer_id FROM pending_transfers WHERE status = 1 AND expires_at > 0"
                    " AND expires_at <= %s ORDER BY expires_at LIMIT %s",
                    (now, self._limits.expiries_per_batch_max),
                )
            ]
        transfer_ids: set[UUID] = set(due) | {expiry_id(d) for d in due}
        account_ids: set[UUID] = set()
        for request in batch:
            if request.kind == "accounts":
                account_ids.update(a.id for a in request.events)
            elif request.kind == "command":
                continue
            else:
                for t in request.events:
                    transfer_ids.add(t.id)
                    if t.pending_id is not None:
                        transfer_ids.add(t.pending_id)
                    account_ids.add(t.debit_account_id)
                    account_ids.add(t.credit_account_id)
        commands = [r.events[0] for r in batch if r.kind == "command"]
        if commands:
            assert self._executor is not None
            account_ids.update(self._executor.prepare(conn, commands))
        for t in ensure_transfers(conn, state, transfer_ids):
            account_ids.add(t.debit_account_id)
            account_ids.add(t.credit_account_id)
        ensure_accounts(conn, state.accounts, account_ids)
        return state, due


def ensure_transfers(conn: Connection, state: LedgerState, ids: Iterable[UUID]) -> list[Transfer]:
    """Load into `state` the transfers among `ids` it lacks, with the states of holds among
    them; returns the holds loaded (their accounts are needed too)."""
    missing = [i for i in ids if i not in state.transfers]
    holds: list[Transfer] = []
    if not missing:
        return holds
    for t in load_transfers(conn, missing):
        state.transfers[t.id] = t
        if t.flags & TransferFlags.PENDING:
            holds.append(t)
    if holds:
        for row in conn.execute(
            "SELECT transfer_id, ledger, status, expires_at, amount FROM pending_transfers"
            " WHERE transfer_id = ANY(%s)",
            ([h.id for h in holds],),
        ):
            state.pending[row[0]] = PendingState(
                row[0], row[1], PendingStatus(row[2]), row[3], row[4]
            )
    return holds


def ensure_accounts(conn: Connection, cache: dict[UUID, Account], ids: Iterable[UUID]) -> None:
    """Load into `cache` the accounts among `ids` that it does not hold yet."""
    missing = [i for i in ids if i not in cache and i.int != 0]
    if missing:
        for account in load_accounts(conn, missing):
            cache[account.id] = account


def _run_request(engine: Engine, request: _Request) -> AccountResults | TransferResults:
    state = engine.state
    if request.kind == "accounts":
        accounts: Sequence[Account] = request.events
        codes = engine.create_accounts(accounts)
        return [
            (code, state.accounts[a.id].timestamp if code in _STAMPED_A else 0)
            for a, code in zip(accounts, codes, strict=True)
        ]
    transfers: Sequence[Transfer] = request.events
    tcodes = engine.create_transfers(transfers)
    return [
        (code, state.transfers[t.id].timestamp if code in _STAMPED_T else 0)
        for t, code in zip(transfers, tcodes, strict=True)
    ]


# The API's contract: a timestamp on OK only (a retry answered EXISTS carries none).
_STAMPED_A = (CreateAccountResult.OK,)
_STAMPED_T = (CreateTransferResult.OK,)


def load_transfers(conn: psycopg.Connection[tuple[object, ...]], ids: list[UUID]) -> list[Transfer]:
    # One text parameter: psycopg builds a uuid[] in Python at ~6 us an element. Never a
    # prepared (generic) plan: it cannot see the list's size and settles on a full scan.
    rows = conn.execute(
        "SELECT id, debit_account_id, credit_account_id, amount, currency, code, flags,"
        " pending_id, timeout_s, metadata, ledger, timestamp FROM transfers"
        " WHERE id = ANY(string_to_array(%s, ',')::uuid[])",
        (",".join(map(str, ids)),),
        prepare=False,
    )
    return [Transfer(*row) for row in rows]  # type: ignore[arg-type]


def load_accounts(conn: Connection, ids: list[UUID]) -> list[Account]:
    rows = conn.execute(f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ANY(%s)", (ids,))
    return [Account(*row) for row in rows]


def _write(conn: Connection, state: LedgerState, ch: Changes) -> None:
    cur = conn.cursor()
    created = set(ch.accounts_created)
    if ch.accounts_created:
        with cur.copy(f"COPY accounts ({ACCOUNT_COLUMNS}) FROM STDIN") as copy:
            for account_id in ch.accounts_created:
                a = state.accounts[account_id]
                copy.write_row(
                    (a.id, a.ledger, a.currency, a.code, a.flags, json.dumps(a.metadata),
                     *a.balances(), a.version, a.timestamp)
                )  # fmt: skip
    updated = [state.accounts[i] for i in ch.accounts_touched if i not in created]
    if len(updated) > _STAGED_UPDATE_MIN:
        # Large batches: staged by binary COPY (building uuid[] parameters costs ~6 us an
        # element), and analysed so the planner joins by the primary key, not a full scan.
        with cur.copy(
            "COPY account_updates (id, dp, dpo, cp, cpo, ver) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["uuid", "int8", "int8", "int8", "int8", "int8"])
            for a in updated:
                copy.write_row((a.id, *a.balances(), a.version))
        cur.execute("ANALYZE account_updates")
        cur.execute(
            "UPDATE accounts AS a SET debits_pending = v.dp, debits_posted = v.dpo,"
            " credits_pending = v.cp, credits_posted = v.cpo, version = v.ver"
            " FROM account_updates AS v WHERE a.id = v.id"
        )
        assert cur.rowcount == len(updated)
    elif updated:
        cur.execute(
            "UPDATE accounts AS a SET debits_pending = v.dp, debits_posted = v.dpo,"
            " credits_pending = v.cp, credits_posted = v.cpo, version = v.ver"
            " FROM unnest(string_to_array(%s, ',')::uuid[], %s::int8[], %s::int8[],"
            " %s::int8[], %s::int8[], %s::int8[]) AS v(id, dp, dpo, cp, cpo, ver)"
            " WHERE a.id = v.id",
            (
                ",".join(str(a.id) for a in updated),
                [a.debits_pending for a in updated],
                [a.debits_posted for a in updated],
                [a.credits_pending for a in updated],
                [a.credits_posted for a in updated],
                [a.version for a in updated],
            ),
            prepare=False,
        )
        assert cur.rowcount == len(updated)
    if ch.entries:
        # Binary COPY with declared types: no per-field text escaping on the hot path.
        with cur.copy(f"COPY transfers ({TRANSFER_COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(TRANSFER_TYPES)
            for e in ch.entries:
                t = e.transfer
                copy.write_row(
                    (e.seq, t.id, t.ledger, t.debit_account_id, t.credit_account_id, t.amount,
                     t.currency, t.code, t.flags, t.pending_id, t.timeout_s,
                     Jsonb(t.metadata), t.timestamp, ENCODING_VERSION, e.prev_hash, e.hash)
                )  # fmt: skip
        with cur.copy(
            f"COPY account_balances ({BALANCE_COLUMNS}) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(BALANCE_TYPES)
            for s in ch.snapshots:
                copy.write_row(
                    (s.account_id, s.timestamp, s.ledger, s.version, s.transfer_id,
                     s.debits_pending, s.debits_posted, s.credits_pending, s.credits_posted)
                )  # fmt: skip
    if ch.pending_created:
        with cur.copy(
            "COPY pending_transfers (transfer_id, ledger, status, expires_at, amount) FROM STDIN"
        ) as copy:
            for pid in ch.pending_created:
                h = state.pending[pid]
                copy.write_row((h.transfer_id, h.ledger, int(h.status), h.expires_at, h.amount))
    changed = [state.pending[i] for i in ch.pending_changed if i not in ch.pending_created]
    if changed:
        cur.execute(
            "UPDATE pending_transfers AS p SET status = v.status"
            " FROM unnest(%s::uuid[], %s::smallint[]) AS v(id, status) WHERE p.transfer_id = v.id",
            ([h.transfer_id for h in changed], [int(h.status) for h in changed]),
        )
    cur.execute(
        "UPDATE ledger_head SET last_timestamp = %s, head_seq = %s, head_hash = %s WHERE id = 1",
        (state.last_timestamp, state.head_seq, state.head_hash),
    )
