"""The custody scheduler: one tick expires lapsed uses, reports cooling-off periods that ended,
proposes releases and raises alerts for missed deadlines.

A tick reads every merchant's book from one database snapshot (outside the writer) and changes
state only through writer commands, so the writer's rules decide every change on its own, newer
book: a use confirmed between the read and the command is simply refused and left alone.

- (a) A merchant-initiated use the consumer neither confirmed nor disputed lapses with its hold.
  The core writer already voids lapsed holds; `ExpireRedemption` makes the custody record follow
  (status EXPIRED, the lots' value given back).
- (b) Lots whose cooling-off window (or a ratio scheme's longer release delay) ended since the
  previous tick: their money now counts towards what may be released. One line per merchant.
- (c) Release proposals: `releasable()` for every merchant not frozen. Nothing is moved; a
  release stays a decision for the merchant and its bank.
- (d) Missed deadlines, persisted as `Alert` records a regulator can list: refunds booked but
  unpaid after their due date, and bank instructions still pending after `grace_days`. Alert
  command ids derive from the subject (uuid5), so repeated ticks raise each alert once.

`Scheduler` runs ticks on a thread inside the server; `fangxin tick` runs one for batch use.
The clock is injected everywhere (nanoseconds since the epoch, like the writer's).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast
from uuid import NAMESPACE_URL, UUID, uuid5

from sqlalchemy import Engine

from ledger.custody import codec
from ledger.custody.book import MerchantBook
from ledger.custody.commands import ExpireRedemption
from ledger.custody.decision import CustodyError
from ledger.custody.dispatch import (
    Alert,
    AlertKind,
    Envelope,
    Instruction,
    InstructionStatus,
    RaiseAlert,
    alert_command_id,
    alert_record_id,
)
from ledger.custody.instruments import RedemptionStatus
from ledger.custody.kinds import ReleaseMode
from ledger.custody.policy import CustodyPolicy, PolicyBook
from ledger.custody.refunds import RefundRecord
from ledger.custody.rules import FROZEN_STATUSES, releasable
from ledger.pg.custody_store import (
    CommandConflict,
    CustodyOutcome,
    load_accounts_for,
    load_book,
    ns_to_datetime,
)
from ledger.pg.writer import Connection, Writer

_log = logging.getLogger(__name__)

ACTOR = "scheduler"
INSTRUCTION_GRACE_DAYS_DEFAULT = 3
SUBMIT_THREADS = 16  # concurrent submissions share the writer's group commit
# Expiry command ids derive from the redemption: a retried tick repeats the same command.
_EXPIRY_NAMESPACE = uuid5(NAMESPACE_URL, "https://fangxin.invalid/scheduler/expire-redemption")


@dataclass(frozen=True, slots=True)
class CoolingOffEnded:
    """Lots of one merchant whose cooling-off (or release delay) ended within the tick window."""

    merchant_id: str
    lots: int
    paid_open_fen: int


@dataclass(frozen=True, slots=True)
class ReleaseProposal:
    merchant_id: str
    amount_fen: int
    binding_rule: str
    figures: dict[str, int]


@dataclass(frozen=True, slots=True)
class TickReport:
    now: datetime
    since: datetime
    merchants: int
    expired: tuple[str, ...] = ()  # "merchant/redemption" of uses expired by this tick
    cooling_off_ended: tuple[CoolingOffEnded, ...] = ()
    proposals: tuple[ReleaseProposal, ...] = ()
    alerts_raised: tuple[Alert, ...] = ()
    alerts_total: int = 0  # every alert on record after this tick
    skipped: tuple[str, ...] = ()  # commands the writer refused or failed, with why

    def lines(self) -> list[str]:
        """The report as plain text lines, amounts in yuan."""
        out = [
            f"tick at {self.now.isoformat()} (window from {self.since.isoformat()}),"
            f" {self.merchants} merchants",
            f"expired unconfirmed uses: {len(self.expired)}",
        ]
        out += _capped([f"  {ref}" for ref in self.expired])
        out.append(f"cooling-off ended: {len(self.cooling_off_ended)} merchants")
        out += _capped([
            f"  {c.merchant_id}: {c.lots} lots, {yuan(c.paid_open_fen)} now counts for release"
            for c in self.cooling_off_ended
        ])  # fmt: skip
        out.append(f"release proposals: {len(self.proposals)}")
        out += _capped([
            f"  {p.merchant_id}: {yuan(p.amount_fen)} (bound by {p.binding_rule})"
            for p in self.proposals
        ])  # fmt: skip
        out.append(f"alerts raised: {len(self.alerts_raised)} ({self.alerts_total} on record)")
        out += _capped([
            f"  {a.merchant_id}: {a.kind.value} {a.subject_id} {yuan(a.amount_fen)}"
            f" late since {a.deadline.isoformat()} ({a.rule})"
            for a in self.alerts_raised
        ])  # fmt: skip
        if self.skipped:
            out.append(f"skipped: {len(self.skipped)}")
            out += _capped([f"  {s}" for s in self.skipped])
        return out


def _capped(lines: list[str], shown_max: int = 20) -> list[str]:
    if len(lines) <= shown_max:
        return lines
    return [*lines[:shown_max], f"  ... and {len(lines) - shown_max} more"]


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}CNY {abs(fen) // 100:,}.{abs(fen) % 100:02d}"


# -- reads -----------------------------------------------------------------------------------------


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only psycopg connection on one consistent snapshot (REPEATABLE READ)."""
    with engine.connect() as sa_conn:
        conn = cast(Connection, sa_conn.connection.driver_connection)
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            yield conn
        finally:
            conn.rollback()


def load_policies(conn: Connection) -> PolicyBook:
    """Every stored policy version (the server stored the seed at start-up)."""
    rows = conn.execute("SELECT body FROM custody_policies ORDER BY version").fetchall()
    return PolicyBook(tuple(codec.load_record_as(CustodyPolicy, body) for (body,) in rows))


def merchant_ids(conn: Connection) -> list[str]:
    rows = conn.execute(
        "SELECT DISTINCT merchant_id FROM custody_records WHERE record_type = 'Merchant'"
        " ORDER BY merchant_id"
    ).fetchall()
    return [str(r[0]) for r in rows]


def load_books(conn: Connection, ids: Sequence[str] | None = None) -> dict[str, MerchantBook]:
    """Every merchant's book (or those in `ids`) with balances attached."""
    books: dict[str, MerchantBook] = {}
    for merchant_id in merchant_ids(conn) if ids is None else ids:
        book = load_book(conn, merchant_id)
        if book is not None:
            books[merchant_id] = load_accounts_for(conn, book)
    return books


def list_alerts(conn: Connection, merchant_id: str | None = None) -> list[Alert]:
    """Alerts on record, oldest first: what a regulator lists."""
    rows = conn.execute(
        "SELECT body FROM custody_records WHERE record_type = 'Alert'"
        " AND (%s::text IS NULL OR merchant_id = %s) ORDER BY seq",
        (merchant_id, merchant_id),
    ).fetchall()
    return [codec.load_record_as(Alert, body) for (body,) in rows]


def _policy(policies: PolicyBook, book: MerchantBook, now: datetime) -> CustodyPolicy:
    m = book.merchant
    return policies.resolve(m.jurisdiction, m.industry, m.credit_grade, now.date())


# -- what a tick finds (pure) ----------------------------------------------------------------------


def lapsed_uses(book: MerchantBook, policy: CustodyPolicy, now: datetime) -> list[str]:
    """Merchant-initiated uses still awaiting the consumer after the hold timeout."""
    timeout = timedelta(hours=policy.redemption_hold_timeout_hours)
    return sorted(
        r.redemption_id
        for r in book.redemptions.values()
        if r.status == RedemptionStatus.RECORDED and now >= r.recorded_at + timeout
    )


def cooling_off_ended(
    book: MerchantBook, policy: CustodyPolicy, since: datetime, now: datetime
) -> CoolingOffEnded | None:
    """Open lots whose lock-up (the same window `required_custody_fen` uses) ended in
    (since, now]."""
    delay = policy.release_delay_days if policy.release_mode == ReleaseMode.RATIO_SURPLUS else 0
    window = timedelta(days=max(policy.cooling_off_days, delay))
    lots = [
        lot
        for inst in book.active_instruments()
        for lot in book.lots_of(inst.instrument_id)
        if lot.paid_open_fen > 0 and since < lot.sold_at + window <= now
    ]
    if not lots:
        return None
    return CoolingOffEnded(
        book.merchant.merchant_id, len(lots), sum(lot.paid_open_fen for lot in lots)
    )


def release_proposal(
    book: MerchantBook, policy: CustodyPolicy, now: datetime
) -> ReleaseProposal | None:
    if book.merchant.status in FROZEN_STATUSES:
        return None
    assessment = releasable(book, policy, now)
    if assessment.amount_fen <= 0:
        return None
    return ReleaseProposal(
        book.merchant.merchant_id,
        assessment.amount_fen,
        assessment.binding_rule,
        dict(assessment.figures),
    )


def missed_deadlines(book: MerchantBook, now: datetime, grace_days: int) -> list[RaiseAlert]:
    """Alerts to raise: unpaid refunds past their due date and bank instructions pending for
    longer than `grace_days`, skipping those already raised."""
    merchant_id = book.merchant.merchant_id
    found: list[tuple[AlertKind, str]] = []
    for rec in book.records.values():
        if isinstance(rec, RefundRecord) and rec.paid_at is None and now.date() > rec.due_on:
            found.append((AlertKind.REFUND_OVERDUE, rec.record_id))
        elif (
            isinstance(rec, Instruction)
            and rec.status == InstructionStatus.PENDING
            and now >= rec.created_at + timedelta(days=grace_days)
        ):
            found.append((AlertKind.INSTRUCTION_OVERDUE, rec.record_id))
    return [
        RaiseAlert(
            alert_command_id(merchant_id, kind, subject),
            kind,
            subject,
            grace_days if kind == AlertKind.INSTRUCTION_OVERDUE else 0,
        )
        for kind, subject in sorted(found, key=lambda f: (f[0].value, f[1]))
        if alert_record_id(kind, subject) not in book.records
    ]


def expiry_command_id(merchant_id: str, redemption_id: str) -> UUID:
    return uuid5(_EXPIRY_NAMESPACE, f"{merchant_id}:{redemption_id}")


# -- one tick --------------------------------------------------------------------------------------


def run_tick(
    writer: Writer,
    engine: Engine,
    now_ns: int,
    *,
    since_ns: int | None = None,
    instruction_grace_days: int = INSTRUCTION_GRACE_DAYS_DEFAULT,
) -> TickReport:
    """One tick at `now_ns`; `since_ns` is the previous tick (default: one day earlier).
    Raises WriterUnavailable if the writer cannot take commands: nothing is half done, since
    every command is idempotent and the next tick repeats what is still due."""
    assert instruction_grace_days >= 0
    now = ns_to_datetime(now_ns)
    since = ns_to_datetime(since_ns) if since_ns is not None else now - timedelta(days=1)
    skipped: list[str] = []
    with snapshot(engine) as conn:
        policies = load_policies(conn)
        books = load_books(conn)
    resolved: dict[str, tuple[MerchantBook, CustodyPolicy]] = {}
    for merchant_id, book in books.items():
        try:
            resolved[merchant_id] = (book, _policy(policies, book, now))
        except CustodyError as exc:  # no policy in force: nothing can be decided for it
            skipped.append(f"{merchant_id}: {exc}")
    expired = _expire_lapsed(writer, resolved, now, skipped)
    if expired:  # their lots changed: read those books again
        with snapshot(engine) as conn:
            for merchant_id, book in load_books(conn, sorted({e[0] for e in expired})).items():
                resolved[merchant_id] = (book, resolved[merchant_id][1])
    ended: list[CoolingOffEnded] = []
    proposals: list[ReleaseProposal] = []
    raises: list[Envelope] = []
    for merchant_id, (book, policy) in resolved.items():
        if (c := cooling_off_ended(book, policy, since, now)) is not None:
            ended.append(c)
        if (p := release_proposal(book, policy, now)) is not None:
            proposals.append(p)
        raises += [
            Envelope(merchant_id, cmd, ACTOR)
            for cmd in missed_deadlines(book, now, instruction_grace_days)
        ]
    raised = [
        r
        for _, outcome in _submit_all(writer, raises, skipped)
        if outcome is not None and outcome.accepted
        for r in outcome.records
        if isinstance(r, Alert)
    ]
    on_record = sum(isinstance(r, Alert) for b in books.values() for r in b.records.values())
    return TickReport(
        now=now,
        since=since,
        merchants=len(books),
        expired=tuple(f"{m}/{r}" for m, r in expired),
        cooling_off_ended=tuple(ended),
        proposals=tuple(proposals),
        alerts_raised=tuple(raised),
        alerts_total=on_record + len(raised),
        skipped=tuple(skipped),
    )


def _expire_lapsed(
    writer: Writer,
    resolved: dict[str, tuple[MerchantBook, CustodyPolicy]],
    now: datetime,
    skipped: list[str],
) -> list[tuple[str, str]]:
    """Submit ExpireRedemption for every lapsed use; returns (merchant, redemption) expired."""
    envelopes = [
        Envelope(merchant_id, ExpireRedemption(expiry_command_id(merchant_id, r), r), ACTOR)
        for merchant_id, (book, policy) in resolved.items()
        for r in lapsed_uses(book, policy, now)
    ]
    return [
        (env.merchant_id, env.command.redemption_id)
        for env, outcome in _submit_all(writer, envelopes, skipped)
        if outcome is not None and outcome.accepted and isinstance(env.command, ExpireRedemption)
    ]


def _submit_all(
    writer: Writer, envelopes: Sequence[Envelope], skipped: list[str]
) -> list[tuple[Envelope, CustodyOutcome | None]]:
    """Submit concurrently (one group commit for many); a refused or failed command is noted
    in `skipped`. WriterUnavailable propagates: the writer is gone for every command."""
    if not envelopes:
        return []

    def one(env: Envelope) -> tuple[Envelope, CustodyOutcome | None]:
        try:
            outcome: CustodyOutcome = writer.submit_command(env)
        except (CustodyError, CommandConflict) as exc:
            skipped.append(f"{env.merchant_id}: {type(env.command).__name__}: {exc}")
            return env, None
        if not outcome.accepted:
            why = "; ".join(f"{r.rule} {r.message}" for r in outcome.refusals)
            skipped.append(f"{env.merchant_id}: {type(env.command).__name__}: {why}")
        return env, outcome

    with ThreadPoolExecutor(min(SUBMIT_THREADS, len(envelopes)), "fangxin-tick") as pool:
        return list(pool.map(one, envelopes))


# -- the scheduler thread --------------------------------------------------------------------------


@dataclass
class Scheduler:
    """Runs a tick every `interval_s` while this server's writer holds the writer lock."""

    writer: Writer
    engine: Engine
    interval_s: float = 60.0
    clock: Callable[[], int] = time.time_ns
    instruction_grace_days: int = INSTRUCTION_GRACE_DAYS_DEFAULT
    last_report: TickReport | None = None
    _last_tick_ns: int | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        assert self.interval_s > 0 and self.instruction_grace_days >= 0

    def start(self) -> None:
        assert self._thread is None, "started twice"
        self._last_tick_ns = self.clock()
        self._thread = threading.Thread(target=self._run, name="fangxin-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def tick(self) -> TickReport:
        """Run one tick now (the thread and callers never run two at once)."""
        with self._lock:
            now_ns = self.clock()
            report = run_tick(
                self.writer,
                self.engine,
                now_ns,
                since_ns=self._last_tick_ns,
                instruction_grace_days=self.instruction_grace_days,
            )
            self._last_tick_ns = now_ns
            self.last_report = report
            return report

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            if not self.writer.is_leader:
                continue  # a standby server leaves scheduling to the writer's server
            try:
                report = self.tick()
            except Exception:  # the next tick retries; every command is idempotent
                _log.exception("scheduler tick failed")
                continue
            _log.info(
                "tick: %d expired, %d proposals, %d alerts raised, %d skipped",
                len(report.expired),
                len(report.proposals),
                len(report.alerts_raised),
                len(report.skipped),
            )
