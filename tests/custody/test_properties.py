"""Property tests: random command sequences applied to the real engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from ledger.custody.accounts import AccountKind, TransferCode
from ledger.custody.commands import (
    ConfirmRedemption,
    DisputeRedemption,
    ExpireRedemption,
    Initiator,
    PayRefund,
    Redeem,
    RefundChannel,
    Release,
    RequestBalanceRefund,
    RequestCoolingOffRefund,
    Sell,
)
from ledger.custody.decision import Accepted, Decision, InvalidCommand
from ledger.custody.instruments import PriceSchedule, RedemptionStatus
from ledger.custody.kinds import (
    FundingSource,
    InstrumentKind,
    MerchantStatus,
    RefundReason,
    ReleaseMode,
)
from ledger.custody.policies_seed import NATIONAL_BASELINE
from ledger.custody.policy import CustodyPolicy
from ledger.custody.recovery import Fund, fund
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
from ledger.custody.release import release
from ledger.custody.rules import releasable, required_custody_fen
from ledger.custody.sales import sell
from ledger.custody.settlement import SettleDefault, settle_default
from tests.custody.harness import World, cid, merchant

SCHED = PriceSchedule({"unit": 700, "session": 3_000})
HOLDERS = ("h1", "h2", "h3")
PAYOUT_CODES = {
    int(c)
    for c in (
        TransferCode.REFUND_PAID,
        TransferCode.REFUND_PAID_BY_MERCHANT,
        TransferCode.DEFAULT_PAYOUT,
        TransferCode.SUBROGATION,
    )
}


@dataclass(frozen=True)
class SellStep:
    n: int
    holder: str
    pack: bool
    paid: int
    bonus: int


@dataclass(frozen=True)
class RedeemStep:
    n: int
    qty: int
    by_consumer: bool


@dataclass(frozen=True)
class ResolveStep:
    n: int
    confirm: bool


@dataclass(frozen=True)
class AdvanceStep:
    days: int


@dataclass(frozen=True)
class ReleaseStep:
    percent: int


@dataclass(frozen=True)
class CoolingStep:
    n: int


@dataclass(frozen=True)
class BalanceStep:
    n: int
    merchant_fault: bool


@dataclass(frozen=True)
class PayStep:
    n: int


Step = (
    SellStep
    | RedeemStep
    | ResolveStep
    | AdvanceStep
    | ReleaseStep
    | CoolingStep
    | BalanceStep
    | PayStep
)

sell_op = st.builds(
    SellStep,
    st.integers(0, 5),
    st.sampled_from(HOLDERS),
    st.booleans(),
    st.integers(5_000, 200_000),
    st.integers(0, 60_000),
)
redeem_op = st.builds(RedeemStep, st.integers(0, 5), st.integers(1, 12), st.booleans())
release_op = st.builds(ReleaseStep, st.integers(1, 100))
op: st.SearchStrategy[Step] = st.one_of(
    sell_op,
    redeem_op,
    redeem_op,
    release_op,
    st.builds(ResolveStep, st.integers(0, 30), st.booleans()),
    st.builds(AdvanceStep, st.integers(0, 10)),
    st.builds(ReleaseStep, st.integers(1, 100)),
    st.builds(CoolingStep, st.integers(0, 30)),
    st.builds(BalanceStep, st.integers(0, 5), st.booleans()),
    st.builds(PayStep, st.integers(0, 30)),
)
policies = st.builds(
    lambda ratio, mode, delay: replace(
        NATIONAL_BASELINE,
        version="prop",
        custody_ratio_bps=ratio,
        issuer_class_ratio_bps={},
        release_mode=mode,
        release_delay_days=delay,
    ),
    st.sampled_from([0, 2000, 4000, 10_000]),
    st.sampled_from([ReleaseMode.PER_USE, ReleaseMode.RATIO_SURPLUS]),
    st.integers(0, 3),
)


def _try(w: World, make: Callable[[], Decision]) -> None:
    try:
        d = make()
    except InvalidCommand:
        return
    if isinstance(d, Accepted):
        w.apply(d)  # asserts that every transfer is OK in the core engine


def _step(w: World, p: CustodyPolicy, o: Step) -> None:
    cards = sorted(w.book.instruments)
    if isinstance(o, SellStep):
        card = f"c{o.n}"
        inst = w.book.instruments.get(card)
        holder = inst.holder_id if inst else o.holder
        k = (
            InstrumentKind.SESSION_PACK
            if (inst.kind == InstrumentKind.SESSION_PACK if inst else o.pack)
            else InstrumentKind.STORED_VALUE
        )
        sessions = 5 if k == InstrumentKind.SESSION_PACK else 0
        cmd = Sell(
            cid(),
            card,
            holder,
            k,
            True,
            o.paid,
            o.bonus,
            sessions=sessions,
            schedule=SCHED,
        )
        _try(w, lambda: sell(w.book, cmd, p, w.now))
    elif isinstance(o, RedeemStep) and cards:
        card = cards[o.n % len(cards)]
        inst = w.book.instruments[card]
        item = "session" if inst.kind == InstrumentKind.SESSION_PACK else "unit"
        who = Initiator.CONSUMER if o.by_consumer else Initiator.MERCHANT
        cmd_r = Redeem(cid(), f"r{len(w.book.redemptions)}", card, item, o.qty, who)
        _try(w, lambda: record_redemption(w.book, cmd_r, p, w.now))
    elif isinstance(o, ResolveStep):
        held = sorted(
            r for r, x in w.book.redemptions.items() if x.status == RedemptionStatus.RECORDED
        )
        if held:
            rid = held[o.n % len(held)]
            if o.confirm:
                _try(w, lambda: confirm_redemption(w.book, ConfirmRedemption(cid(), rid), p, w.now))
            else:
                _try(w, lambda: dispute_redemption(w.book, DisputeRedemption(cid(), rid), p, w.now))
    elif isinstance(o, AdvanceStep):
        w.advance(days=o.days)
    elif isinstance(o, ReleaseStep):
        amount = releasable(w.book, p, w.now).amount_fen * o.percent // 100
        if amount:
            _try(w, lambda: release(w.book, Release(cid(), amount), p, w.now))
    elif isinstance(o, CoolingStep) and w.book.lots:
        lots = sorted(w.book.lots)
        lot = lots[o.n % len(lots)]
        cmd_c = RequestCoolingOffRefund(cid(), f"rf{len(w.book.records)}", lot)
        _try(w, lambda: request_cooling_off_refund(w.book, cmd_c, p, w.now))
    elif isinstance(o, BalanceStep) and cards:
        card = cards[o.n % len(cards)]
        reason = RefundReason.MERCHANT_FAULT if o.merchant_fault else RefundReason.CONSUMER_REASON
        cmd_b = RequestBalanceRefund(
            cid(), f"rf{len(w.book.records)}", card, reason, channel=RefundChannel.BANK_ACCOUNT
        )
        _try(w, lambda: request_balance_refund(w.book, cmd_b, p, w.now))
    elif isinstance(o, PayStep):
        unpaid = sorted(
            k
            for k, r in w.book.records.items()
            if isinstance(r, RefundRecord) and r.paid_at is None
        )
        if unpaid:
            rid = unpaid[o.n % len(unpaid)]
            _try(w, lambda: pay_refund(w.book, PayRefund(cid(), rid), p, w.now))


def _paid_in(w: World) -> dict[str, int]:
    out: dict[str, int] = {}
    for lot in w.book.lots.values():
        holder = w.book.instruments[lot.instrument_id].holder_id
        out[holder] = out.get(holder, 0) + lot.paid_fen
    return out


def _received(w: World) -> dict[str, int]:
    out: dict[str, int] = {}
    for t in w.state.transfers.values():
        if t.code in PAYOUT_CODES:
            out[t.metadata["holder"]] = out.get(t.metadata["holder"], 0) + t.amount
    return out


def _check(w: World, p: CustodyPolicy) -> None:
    accounts = w.state.accounts.values()
    assert sum(a.debits_posted for a in accounts) == sum(a.credits_posted for a in accounts)
    assert sum(a.debits_pending for a in accounts) == sum(a.credits_pending for a in accounts)
    b = w.book
    cash, advance = b.balance(AccountKind.CUSTODY_CASH), b.balance(AccountKind.MERCHANT_RELEASED)
    payable = b.balance(AccountKind.CONSUMER_REFUND_PAYABLE)
    earned_posted = sum(
        a.credits_posted - a.debits_posted
        for a in accounts
        if a.code == AccountKind.MERCHANT_EARNED
    )
    # custody + advance = cards + earned + payable: every fen of principal is accounted for.
    assert cash + advance == b.outstanding_fen() + earned_posted + payable
    # Outside a default custody never drops below what is required (refunds awaiting payment
    # are held on top of the requirement, and paid from it).
    assert cash >= required_custody_fen(b, p, w.now) - payable
    paid_in = _paid_in(w)
    for holder, got in _received(w).items():
        assert got <= paid_in.get(holder, 0)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)
@given(
    policies,
    st.lists(sell_op, min_size=1, max_size=4),
    st.lists(op, max_size=40),
    st.integers(0, 300_000),
)
def test_random_flows_keep_the_books_and_the_default_pays_no_more_than_paid(
    p: CustodyPolicy, sales: list[SellStep], ops: list[Step], pool_fen: int
) -> None:
    w = World.open(merchant())
    steps: list[Step] = [*sales, AdvanceStep(3), *ops, AdvanceStep(8), ReleaseStep(100)]
    for o in steps:
        _step(w, p, o)
        _check(w, p)
    # Default: holds are voided, sources funded, the waterfall runs.
    w.advance(hours=p.redemption_hold_timeout_hours, minutes=1)
    w.expire_holds()
    for rid, r in sorted(w.book.redemptions.items()):
        if r.status == RedemptionStatus.RECORDED:
            w.apply(expire_redemption(w.book, ExpireRedemption(cid(), rid), p, w.now))
    w.set_merchant(status=MerchantStatus.DEFAULTED)
    if pool_fen:
        w.apply(fund(Fund(cid(), FundingSource.COMPENSATION_POOL, "pool-cn", pool_fen)))
    if any(w.book.card_balance(i.instrument_id) for i in w.book.active_instruments()) or any(
        isinstance(r, RefundRecord) and r.paid_at is None for r in w.book.records.values()
    ):
        _try(w, lambda: settle_default(w.book, SettleDefault(cid()), w.now))
    accounts = w.state.accounts.values()
    assert sum(a.debits_posted for a in accounts) == sum(a.credits_posted for a in accounts)
    paid_in = _paid_in(w)
    for holder, got in _received(w).items():
        assert got <= paid_in.get(holder, 0)
    codes = {TransferCode(t.code).name for t in w.state.transfers.values()}
    for name in sorted(codes):
        event(name)
