from __future__ import annotations

from datetime import date

from ledger.custody.accounts import AccountKind
from ledger.custody.commands import (
    ConfirmRedemption,
    DisputeRedemption,
    ExpireRedemption,
    Initiator,
    PayRefund,
    Redeem,
    RefundChannel,
    RequestBalanceRefund,
    RequestCoolingOffRefund,
    Sell,
)
from ledger.custody.instruments import InstrumentStatus, PriceSchedule, RedemptionStatus
from ledger.custody.kinds import InstrumentKind, RefundReason
from ledger.custody.policies_seed import BEIJING, NATIONAL_BASELINE, TUTORING
from ledger.custody.redemptions import (
    confirm_redemption,
    dispute_redemption,
    expire_redemption,
    record_redemption,
)
from ledger.custody.refunds import (
    RefundRecord,
    pay_refund,
    request_balance_refund,
    request_cooling_off_refund,
)
from ledger.custody.sales import sell
from tests.custody.harness import World, cid, merchant, refused

P = NATIONAL_BASELINE
UNIT = PriceSchedule({"unit": 100})  # 1 face-unit item: quantity = face in fen / 100


def _stored_value(w: World, paid: int, bonus: int, card: str = "c1") -> None:
    cmd = Sell(cid(), card, "h1", InstrumentKind.STORED_VALUE, True, paid, bonus, schedule=UNIT)
    w.apply(sell(w.book, cmd, P, w.now))


def _use(w: World, face: int, card: str = "c1", by: Initiator = Initiator.CONSUMER) -> str:
    rid = f"r{len(w.book.redemptions)}"
    w.apply(record_redemption(w.book, Redeem(cid(), rid, card, "unit", face // 100, by), P, w.now))
    return rid


def test_r20_worked_example_merchant_fault() -> None:
    """Pay 1,000, get 250 bonus, use 500 face: used 400, refund 600 (S3 art.18)."""
    w = World.open(merchant())
    _stored_value(w, 100_000, 25_000)
    w.advance(days=10)
    _use(w, 50_000)
    assert w.book.redemptions["r0"].paid_value_fen == 40_000
    cmd = RequestBalanceRefund(cid(), "rf1", "c1", RefundReason.MERCHANT_FAULT)
    w.apply(request_balance_refund(w.book, cmd, P, w.now))
    rec = w.book.records["rf1"]
    assert isinstance(rec, RefundRecord)
    assert (rec.used_value_fen, rec.amount_fen) == (40_000, 60_000)
    assert w.balance(AccountKind.CONSUMER_REFUND_PAYABLE) == 60_000
    assert w.book.instruments["c1"].status == InstrumentStatus.REFUNDED


def test_r20_consumer_reason_prices_used_value_at_list_price() -> None:
    w = World.open(merchant())
    _stored_value(w, 100_000, 25_000)
    w.advance(days=10)
    _use(w, 50_000)
    cmd = RequestBalanceRefund(cid(), "rf1", "c1", RefundReason.CONSUMER_REASON)
    w.apply(request_balance_refund(w.book, cmd, P, w.now))
    rec = w.book.records["rf1"]
    assert isinstance(rec, RefundRecord)
    assert (rec.used_value_fen, rec.amount_fen) == (50_000, 50_000)
    # The extra 100 priced at list moves to the merchant; the card ends at zero.
    assert w.balance(AccountKind.MERCHANT_EARNED) == 50_000
    assert w.book.card_balance("c1") == 0


def test_consumer_never_owes_more_than_paid_art20() -> None:
    w = World.open(merchant())
    cmd = Sell(
        cid(),
        "c1",
        "h1",
        InstrumentKind.SESSION_PACK,
        True,
        10_000,
        sessions=10,
        schedule=PriceSchedule({"session": 5_000}),
    )  # list 50,000 for a 10,000 pack
    w.apply(sell(w.book, cmd, P, w.now))
    w.apply(
        record_redemption(
            w.book, Redeem(cid(), "r", "c1", "session", 3, Initiator.CONSUMER), P, w.now
        )
    )
    d = request_balance_refund(
        w.book, RequestBalanceRefund(cid(), "rf", "c1", RefundReason.CONSUMER_REASON), P, w.now
    )
    r = refused(d).refusals[0]
    assert (r.rule, r.figures) == ("R20", {"paid_in_fen": 10_000, "used_value_fen": 10_000})


def test_membership_refund_is_pro_rata_of_remaining_term() -> None:
    w = World.open(merchant())
    cmd = Sell(
        cid(),
        "m1",
        "h1",
        InstrumentKind.MEMBERSHIP,
        True,
        36_500,
        term_starts_on=date(2025, 6, 1),
        term_ends_on=date(2026, 6, 1),
    )
    w.apply(sell(w.book, cmd, P, w.now))
    w.advance(days=100)
    stopped = date(2025, 8, 1)  # the gym stopped serving earlier: count from then
    req = RequestBalanceRefund(cid(), "rf", "m1", RefundReason.MERCHANT_FAULT, stopped)
    w.apply(request_balance_refund(w.book, req, P, w.now))
    rec = w.book.records["rf"]
    assert isinstance(rec, RefundRecord)
    assert rec.amount_fen == 36_500 * 304 // 365


def test_cooling_off_refund_r18_and_deadline() -> None:
    w = World.open(merchant())
    _stored_value(w, 100_000, 25_000)
    (lot,) = w.book.lots_of("c1")
    w.advance(days=6, hours=23)
    w.apply(
        request_cooling_off_refund(
            w.book, RequestCoolingOffRefund(cid(), "rf", lot.lot_id), P, w.now
        )
    )
    rec = w.book.records["rf"]
    assert isinstance(rec, RefundRecord)
    assert rec.amount_fen == 100_000 and rec.due_on == w.now.date().fromordinal(
        w.now.date().toordinal() + 15
    )
    w.advance(days=16)
    w.apply(pay_refund(w.book, PayRefund(cid(), "rf"), P, w.now))
    paid = w.book.records["rf"]
    assert isinstance(paid, RefundRecord) and paid.late and paid.paid_from_custody_fen == 100_000
    assert w.balance(AccountKind.CUSTODY_CASH) == 0


def test_cooling_off_refused_after_window_and_after_use_in_beijing() -> None:
    w = World.open(merchant())
    _stored_value(w, 100_000, 0)
    (lot,) = w.book.lots_of("c1")
    w.advance(days=7)
    r = refused(
        request_cooling_off_refund(
            w.book, RequestCoolingOffRefund(cid(), "rf", lot.lot_id), P, w.now
        )
    )
    assert (r.rules, r.refusals[0].figures) == (
        ("R18",),
        {"days_since_sale": 7, "cooling_off_days": 7},
    )
    w = World.open(merchant(jurisdiction="CN-BJ"))
    _stored_value(w, 100_000, 0)
    _use(w, 100)
    (lot,) = w.book.lots_of("c1")
    d = request_cooling_off_refund(
        w.book, RequestCoolingOffRefund(cid(), "rf", lot.lot_id), BEIJING, w.now
    )
    assert refused(d).refusals[0].figures == {"face_used_fen": 100}


def test_cash_refund_only_for_small_balances_r22() -> None:
    w = World.open(merchant())
    _stored_value(w, 20_000, 0)
    req = RequestBalanceRefund(
        cid(), "rf", "c1", RefundReason.MERCHANT_FAULT, channel=RefundChannel.CASH
    )
    r = refused(request_balance_refund(w.book, req, P, w.now)).refusals[0]
    assert (r.rule, r.figures) == ("R22", {"refund_fen": 20_000, "cash_max_fen": 10_000})


def test_redemption_priced_from_frozen_schedule_r24_and_never_negative_r39() -> None:
    w = World.open(merchant())
    _stored_value(w, 1_000, 0)
    r = refused(
        record_redemption(
            w.book, Redeem(cid(), "x", "c1", "caviar", 1, Initiator.CONSUMER), P, w.now
        )
    )
    assert (r.rules, r.refusals[0].figures) == (("R24",), {"item": "caviar"})
    r = refused(
        record_redemption(
            w.book, Redeem(cid(), "x", "c1", "unit", 11, Initiator.CONSUMER), P, w.now
        )
    )
    assert r.rules == ("R39",)
    assert r.refusals[0].figures == {
        "face_open_fen": 1_000,
        "face_wanted_fen": 1_100,
        "quantity": 11,
    }


def test_merchant_initiated_use_is_held_until_confirmed_r12() -> None:
    w = World.open(merchant(industry="tutoring"))
    cmd = Sell(
        cid(),
        "c1",
        "h1",
        InstrumentKind.SESSION_PACK,
        True,
        60_000,
        sessions=3,
        schedule=PriceSchedule({"session": 20_000}),
    )
    w.apply(sell(w.book, cmd, TUTORING, w.now))
    w.apply(
        record_redemption(
            w.book, Redeem(cid(), "r1", "c1", "session", 1, Initiator.MERCHANT), TUTORING, w.now
        )
    )
    assert w.book.card_pending_fen("c1") == 20_000 and w.balance(AccountKind.MERCHANT_EARNED) == 0
    w.apply(confirm_redemption(w.book, ConfirmRedemption(cid(), "r1"), TUTORING, w.now))
    assert w.balance(AccountKind.MERCHANT_EARNED) == 20_000
    # A disputed use gives the session back; a lapsed one too, and then cannot be confirmed.
    w.apply(
        record_redemption(
            w.book, Redeem(cid(), "r2", "c1", "session", 1, Initiator.MERCHANT), TUTORING, w.now
        )
    )
    w.apply(dispute_redemption(w.book, DisputeRedemption(cid(), "r2"), TUTORING, w.now))
    assert w.book.redemptions["r2"].status == RedemptionStatus.DISPUTED
    w.apply(
        record_redemption(
            w.book, Redeem(cid(), "r3", "c1", "session", 1, Initiator.MERCHANT), TUTORING, w.now
        )
    )
    w.advance(hours=TUTORING.redemption_hold_timeout_hours, minutes=1)
    assert refused(
        confirm_redemption(w.book, ConfirmRedemption(cid(), "r3"), TUTORING, w.now)
    ).rules == ("R12",)
    assert w.expire_holds() == 1
    w.apply(expire_redemption(w.book, ExpireRedemption(cid(), "r3"), TUTORING, w.now))
    assert sum(lot.sessions_used for lot in w.book.lots_of("c1")) == 1
    assert w.book.card_balance("c1") == 40_000
