from __future__ import annotations

from dataclasses import replace

from ledger.custody.accounts import AccountKind
from ledger.custody.commands import Initiator, Redeem, Release, Sell
from ledger.custody.instruments import PriceSchedule
from ledger.custody.kinds import CreditGrade, FundingSource, InstrumentKind, MerchantStatus
from ledger.custody.policies_seed import JILIN, NATIONAL_BASELINE, TUTORING
from ledger.custody.recovery import Fund, fund
from ledger.custody.redemptions import record_redemption
from ledger.custody.release import release
from ledger.custody.rules import releasable, required_custody_fen
from ledger.custody.sales import sell
from tests.custody.harness import World, cid, merchant, refused

PACK = PriceSchedule({"session": 10_000})


def _pack(w: World, policy: object, paid: int = 100_000, sessions: int = 10) -> None:
    cmd = Sell(
        cid(), "c1", "h1", InstrumentKind.SESSION_PACK, True, paid, sessions=sessions, schedule=PACK
    )
    w.apply(sell(w.book, cmd, policy, w.now))  # type: ignore[arg-type]


def _use(w: World, policy: object, n: int) -> None:
    rid = f"r{len(w.book.redemptions)}"
    cmd = Redeem(cid(), rid, "c1", "session", n, Initiator.CONSUMER)
    w.apply(record_redemption(w.book, cmd, policy, w.now))  # type: ignore[arg-type]


def test_per_use_releases_only_confirmed_value_after_cooling_off_r12_r14() -> None:
    w = World.open(merchant(industry="tutoring"))
    _pack(w, TUTORING)
    _use(w, TUTORING, 2)
    a = releasable(w.book, TUTORING, w.now)
    assert (a.amount_fen, a.binding_rule) == (0, "R14")  # drawn from a lot still in cooling-off
    d = refused(release(w.book, Release(cid(), 1), TUTORING, w.now)).refusals[0]
    assert (
        d.rule == "R14" and d.figures["requested_fen"] == 1 and d.figures["immature_fen"] == 20_000
    )
    w.advance(days=7)
    a = releasable(w.book, TUTORING, w.now)
    assert (a.amount_fen, a.binding_rule) == (20_000, "R12")
    w.apply(release(w.book, Release(cid(), 20_000), TUTORING, w.now))
    assert w.balance(AccountKind.CUSTODY_CASH) == 80_000 == w.book.outstanding_fen()


def test_release_delay_for_poor_grade() -> None:
    grade_d = JILIN[3]
    w = World.open(merchant(jurisdiction="CN-JL", grade=CreditGrade.D))
    _pack(w, grade_d)
    w.advance(days=8)
    _use(w, grade_d, 1)
    assert releasable(w.book, grade_d, w.now).amount_fen == 0
    w.advance(days=grade_d.release_delay_days)
    assert releasable(w.book, grade_d, w.now).amount_fen == 10_000


def test_ratio_surplus_keeps_ratio_and_cooling_off_lots_r13_r14() -> None:
    w = World.open(merchant())  # scale issuer: 20%
    p = NATIONAL_BASELINE
    _pack(w, p)
    assert releasable(w.book, p, w.now).amount_fen == 0  # whole lot inside cooling-off
    w.advance(days=7)
    a = releasable(w.book, p, w.now)
    assert (a.amount_fen, a.binding_rule) == (80_000, "R13")
    d = refused(release(w.book, Release(cid(), 80_001), p, w.now)).refusals[0]
    assert d.figures["required_fen"] == 20_000 and d.figures["custody_cash_fen"] == 100_000
    w.apply(release(w.book, Release(cid(), 80_000), p, w.now))
    assert w.balance(AccountKind.MERCHANT_RELEASED) == 80_000  # an advance against the cards
    # Later use first repays the advance, so nothing new becomes releasable from it.
    _use(w, p, 5)
    assert w.balance(AccountKind.MERCHANT_RELEASED) == 30_000
    assert w.balance(AccountKind.CUSTODY_CASH) >= required_custody_fen(w.book, p, w.now)


def test_guarantee_cover_counts_towards_the_requirement_r6() -> None:
    w = World.open(merchant())
    p = NATIONAL_BASELINE
    _pack(w, p)
    w.apply(fund(Fund(cid(), FundingSource.GUARANTEE, "m1", 5_000)))
    w.advance(days=7)
    assert releasable(w.book, p, w.now).amount_fen == 85_000


def test_release_freezes_when_closing_or_defaulted_r15() -> None:
    w = World.open(merchant())
    p = NATIONAL_BASELINE
    _pack(w, p)
    w.advance(days=7)
    w.book = replace(w.book, merchant=replace(w.book.merchant, status=MerchantStatus.CLOSING))
    d = refused(release(w.book, Release(cid(), 1), p, w.now)).refusals[0]
    assert (d.rule, d.figures["releasable_fen"], d.figures["status_frozen"]) == ("R15", 0, 1)
