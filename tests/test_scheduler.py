"""The scheduler against a real database, on an injected clock: expiries, cooling-off report,
release proposals, alerts for missed deadlines; the thread and the `fangxin tick` command."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import psycopg
import pytest
from sqlalchemy import Engine

from ledger.custody.accounts import AccountKind
from ledger.custody.commands import Initiator, Redeem, Release, RequestBalanceRefund, Sell
from ledger.custody.dispatch import (
    AlertKind,
    ChangeMerchantStatus,
    Envelope,
    OnboardMerchant,
    RaiseAlert,
    alert_command_id,
)
from ledger.custody.instruments import Merchant, PriceSchedule, RedemptionStatus
from ledger.custody.kinds import (
    CreditGrade,
    InstrumentKind,
    IssuerClass,
    MerchantStatus,
    RefundReason,
)
from ledger.pg.custody_store import (
    CustodyExecutor,
    CustodyOutcome,
    load_accounts_for,
    load_book,
    sync_policies,
)
from ledger.pg.database import libpq_url, make_engine
from ledger.pg.writer import Writer
from services import cli
from services.scheduler import Scheduler, list_alerts, run_tick, snapshot
from tests.support import check_invariants

T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
DAY_NS = 86_400 * 10**9
SCHEDULE = PriceSchedule({"class": 5_000})


def ns(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1) * 1_000


@dataclass
class Rig:
    writer: Writer
    engine: Engine
    url: str
    clock: list[int]

    def at(self, days: float) -> int:
        self.clock[0] = ns(T0) + int(days * DAY_NS)
        return self.clock[0]

    def run(self, merchant_id: str, command: object) -> CustodyOutcome:
        outcome: CustodyOutcome = self.writer.submit_command(
            Envelope(merchant_id, command, "test")  # type: ignore[arg-type]
        )
        assert outcome.accepted, outcome.refusals
        return outcome

    def book_balance(self, merchant_id: str, kind: AccountKind) -> int:
        with psycopg.connect(libpq_url(self.url)) as conn:
            book = load_book(conn, merchant_id)
            assert book is not None
            return load_accounts_for(conn, book).balance(kind)


@pytest.fixture
def rig(database_url: str) -> Iterator[Rig]:
    with psycopg.connect(libpq_url(database_url)) as conn:
        policies = sync_policies(conn)
    clock = [ns(T0)]
    writer = Writer(database_url, clock=lambda: clock[0], executor=CustodyExecutor(policies))
    assert writer.start()
    engine = make_engine(database_url, pool_size=2)
    yield Rig(writer, engine, database_url, clock)
    writer.stop()
    engine.dispose()


def merchant(merchant_id: str, industry: str, jurisdiction: str, grade: CreditGrade) -> Merchant:
    return Merchant(merchant_id, IssuerClass.SCALE, industry, jurisdiction, grade, date(2020, 1, 1))


def seed(rig: Rig) -> None:
    """A Jilin grade-A gym (ratio scheme, 20%) and a tutoring school (per-use release)."""
    rig.at(0)
    for m in (
        merchant("gym", "fitness", "CN-JL", CreditGrade.A),
        merchant("school", "tutoring", "CN", CreditGrade.B),
    ):
        rig.run(m.merchant_id, OnboardMerchant(uuid4(), m))
    for mid, card, kind, sessions in (
        ("gym", "gym-card", InstrumentKind.STORED_VALUE, 0),
        ("school", "school-card", InstrumentKind.SESSION_PACK, 10),
    ):
        sell = Sell(uuid4(), card, "alice", kind, True, 100_000, sessions=sessions,
                    schedule=PriceSchedule({"class": 5_000, "session": 10_000}))  # fmt: skip
        rig.run(mid, sell)
    # An unconfirmed use at the gym, a confirmed lesson at the school.
    rig.run("gym", Redeem(uuid4(), "use-1", "gym-card", "class", 2, Initiator.MERCHANT))
    rig.run("school", Redeem(uuid4(), "lesson-1", "school-card", "session", 1, Initiator.CONSUMER))


def test_tick_expires_reports_proposes_and_alerts(rig: Rig) -> None:
    seed(rig)
    first = run_tick(rig.writer, rig.engine, rig.at(1 / 24))
    assert (first.merchants, first.expired, first.alerts_raised) == (2, (), ())
    assert (first.cooling_off_ended, first.proposals) == ((), ())  # all still in cooling-off

    # (a) After the 72-hour hold timeout the use lapses; the writer voids the hold as well.
    report = run_tick(rig.writer, rig.engine, rig.at(4), since_ns=ns(T0))
    assert report.expired == ("gym/use-1",)
    with psycopg.connect(libpq_url(rig.url)) as conn:
        book = load_book(conn, "gym")
        assert book is not None
        assert book.redemptions["use-1"].status == RedemptionStatus.EXPIRED
        assert all(lot.face_used_fen == 0 for lot in book.lots.values())
        assert load_accounts_for(conn, book).card_pending_fen("gym-card") == 0
    assert run_tick(rig.writer, rig.engine, rig.at(4.5)).expired == ()  # nothing left to expire

    # (b) and (c): cooling-off ends on day 7; both merchants may now release something.
    cash_before = rig.book_balance("gym", AccountKind.CUSTODY_CASH)
    report = run_tick(rig.writer, rig.engine, rig.at(8), since_ns=ns(T0) + DAY_NS * 9 // 2)
    ended = {c.merchant_id: (c.lots, c.paid_open_fen) for c in report.cooling_off_ended}
    assert ended == {"gym": (1, 100_000), "school": (1, 90_000)}
    proposals = {p.merchant_id: (p.amount_fen, p.binding_rule) for p in report.proposals}
    assert proposals == {"gym": (80_000, "R13"), "school": (10_000, "R12")}
    assert rig.book_balance("gym", AccountKind.CUSTODY_CASH) == cash_before  # proposals only
    later = run_tick(rig.writer, rig.engine, rig.at(9), since_ns=ns(T0) + 8 * DAY_NS)
    assert later.cooling_off_ended == ()  # reported once, by the tick whose window holds it
    assert len(later.proposals) == 2

    # (d) A release instruction left pending by the bank, and a refund not paid in time.
    rig.run("gym", Release(uuid4(), 30_000))
    rig.run("school", RequestBalanceRefund(uuid4(), "rf-1", "school-card",
                                            RefundReason.CONSUMER_REASON))  # fmt: skip
    report = run_tick(rig.writer, rig.engine, rig.at(11))
    assert report.alerts_raised == ()  # 2 days pending; the refund is due in 15
    report = run_tick(rig.writer, rig.engine, rig.at(12.5))
    assert [(a.merchant_id, a.kind, a.rule) for a in report.alerts_raised] == [
        ("gym", AlertKind.INSTRUCTION_OVERDUE, "R37")
    ]
    report = run_tick(rig.writer, rig.engine, rig.at(26))
    assert [(a.merchant_id, a.kind, a.subject_id, a.rule, a.amount_fen)
            for a in report.alerts_raised] == [
        ("school", AlertKind.REFUND_OVERDUE, "rf-1", "R19", 90_000)
    ]  # fmt: skip
    assert report.alerts_raised[0].deadline == datetime(2025, 6, 27, tzinfo=UTC)
    again = run_tick(rig.writer, rig.engine, rig.at(27))
    assert (again.alerts_raised, again.alerts_total, again.skipped) == ((), 2, ())
    with snapshot(rig.engine) as conn:
        assert [a.subject_id for a in list_alerts(conn)][1] == "rf-1"
        assert len(list_alerts(conn, "gym")) == 1
    check_invariants(rig.url)


def test_alerts_are_idempotent_and_checked(rig: Rig) -> None:
    seed(rig)
    rig.at(8)
    rig.run("school", RequestBalanceRefund(uuid4(), "rf-1", "school-card",
                                            RefundReason.CONSUMER_REASON))  # fmt: skip
    cmd = RaiseAlert(alert_command_id("school", AlertKind.REFUND_OVERDUE, "rf-1"),
                     AlertKind.REFUND_OVERDUE, "rf-1")  # fmt: skip
    rig.at(20)
    early = rig.writer.submit_command(Envelope("school", cmd, "test"))
    assert [r.rule for r in early.refusals] == ["ALERT"]  # not late yet: refused, not stored
    rig.at(30)
    first = rig.run("school", cmd)
    retry = rig.run("school", cmd)
    assert (first.replayed, retry.replayed) == (False, True)
    other_id = RaiseAlert(uuid4(), AlertKind.REFUND_OVERDUE, "rf-1")
    dup = rig.writer.submit_command(Envelope("school", other_id, "test"))
    assert not dup.accepted and dup.refusals[0].message == "already raised"


def test_frozen_merchants_get_no_proposal(rig: Rig) -> None:
    seed(rig)
    rig.at(8)
    for to in (MerchantStatus.WARNING, MerchantStatus.DEFAULTED):
        rig.run("gym", ChangeMerchantStatus(uuid4(), to, ("absconded",), "regulator"))
    report = run_tick(rig.writer, rig.engine, rig.at(9))
    assert [p.merchant_id for p in report.proposals] == ["school"]


def test_scheduler_thread_ticks_on_its_interval(rig: Rig) -> None:
    seed(rig)
    rig.at(4)
    scheduler = Scheduler(rig.writer, rig.engine, interval_s=0.05, clock=lambda: rig.clock[0])
    scheduler.start()
    try:
        deadline = time.monotonic() + 10
        while scheduler.last_report is None and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        scheduler.stop()
    assert scheduler.last_report is not None
    assert scheduler.last_report.since == T0 + timedelta(days=4)  # the first window: since start
    with psycopg.connect(libpq_url(rig.url)) as conn:
        book = load_book(conn, "gym")
        assert book is not None and book.redemptions["use-1"].status == RedemptionStatus.EXPIRED


def test_tick_command(rig: Rig, capsys: pytest.CaptureFixture[str]) -> None:
    seed(rig)
    args = ["tick", "--database-url", rig.url, "--now", "2025-06-10T09:00:00"]
    assert cli.main(args) == 3  # the rig's writer holds the lock
    assert "holds this database's writer lock" in capsys.readouterr().err
    rig.writer.stop()
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "expired unconfirmed uses: 1" in out and "gym/use-1" in out
    assert "gym: CNY 800.00 (bound by R13)" in out
    assert cli.main([*args[:-1], "2025-06-10T09:00:01+00:00"]) == 0
    assert "expired unconfirmed uses: 0" in capsys.readouterr().out


def test_instant_parsing() -> None:
    assert cli._instant_ns("1970-01-01T00:00:01") == 10**9
    assert cli._instant_ns("1970-01-01T08:00:01+08:00") == 10**9
    assert cli._instant_ns("2025-06-02T09:00:00Z") == ns(T0)


def test_refund_waits_for_a_lapsed_use_to_expire(rig: Rig) -> None:
    """The ledger voids a lapsed hold before the tick expires its record; a refund in between
    must be refused (R12), not fail on lots that still count the use."""
    seed(rig)
    rig.at(4)
    refund = RequestBalanceRefund(uuid4(), "rf-1", "gym-card", RefundReason.CONSUMER_REASON)
    early = rig.writer.submit_command(Envelope("gym", refund, "test"))
    assert [(r.rule, r.figures) for r in early.refusals] == [("R12", {"redemption": "use-1"})]
    assert run_tick(rig.writer, rig.engine, rig.at(4)).expired == ("gym/use-1",)
    assert rig.run("gym", refund).accepted
    check_invariants(rig.url)


def test_the_server_runs_the_scheduler(database_url: str) -> None:
    from services.server import create_server
    from services.settings import Settings

    clock = [ns(T0)]
    running = create_server(
        Settings(listen="127.0.0.1:0"), database_url, clock=lambda: clock[0],
        scheduler_interval_s=0.05,
    )  # fmt: skip
    try:
        assert running.scheduler is not None
        deadline = time.monotonic() + 10
        while running.scheduler.last_report is None and time.monotonic() < deadline:
            time.sleep(0.02)
        report = running.scheduler.last_report
        assert report is not None and report.now == T0 and report.merchants == 0
    finally:
        running.stop(grace_s=1)
