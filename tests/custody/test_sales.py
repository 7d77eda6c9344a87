from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TypedDict, Unpack

import pytest

from ledger.custody.accounts import AccountKind
from ledger.custody.commands import Sell
from ledger.custody.decision import InvalidCommand
from ledger.custody.instruments import PriceSchedule
from ledger.custody.kinds import CreditGrade, EligibilityFlag, InstrumentKind, MerchantStatus
from ledger.custody.policies_seed import (
    BEIJING,
    NATIONAL_BASELINE,
    SHANGHAI_FITNESS,
    SIPING,
    TUTORING,
)
from ledger.custody.sales import sell
from tests.custody.harness import SCHEDULE, World, cid, merchant, refused


class SellOptions(TypedDict, total=False):
    """Optional `Sell` fields a test may override."""

    kind: InstrumentKind
    registered: bool
    bonus_fen: int
    list_amount_fen: int
    sessions: int
    schedule: PriceSchedule
    term_starts_on: date | None
    term_ends_on: date | None


def _sell(instrument: str, paid: int, holder: str = "h1", **kw: Unpack[SellOptions]) -> Sell:
    base = Sell(
        command_id=cid(),
        instrument_id=instrument,
        holder_id=holder,
        kind=InstrumentKind.STORED_VALUE,
        registered=True,
        paid_fen=paid,
        schedule=SCHEDULE,
    )
    return replace(base, **kw)


def test_sale_moves_principal_into_custody() -> None:
    w = World.open(merchant())
    w.apply(sell(w.book, _sell("c1", 100_000, bonus_fen=25_000), NATIONAL_BASELINE, w.now))
    assert w.balance(AccountKind.CUSTODY_CASH) == 100_000
    assert w.book.card_balance("c1") == 100_000
    (lot,) = w.book.lots_of("c1")
    assert (lot.face_fen, lot.list_amount_fen) == (125_000, 125_000)


def test_registered_and_bearer_card_caps_r16() -> None:
    w = World.open(merchant())
    r = refused(sell(w.book, _sell("c1", 500_001), NATIONAL_BASELINE, w.now)).refusals[0]
    assert (r.rule, r.figures) == ("R16", {"card_after_fen": 500_001, "cap_fen": 500_000})
    w.apply(sell(w.book, _sell("b1", 60_000, registered=False), NATIONAL_BASELINE, w.now))
    top_up = _sell("b1", 40_001, registered=False)
    r = refused(sell(w.book, top_up, NATIONAL_BASELINE, w.now)).refusals[0]
    assert (r.rule, r.figures["card_after_fen"], r.figures["cap_fen"]) == ("R16", 100_001, 100_000)


def test_shanghai_fitness_per_consumer_caps_r17() -> None:
    w = World.open(merchant(jurisdiction="CN-SH", industry="fitness"))
    p = SHANGHAI_FITNESS
    w.apply(sell(w.book, _sell("s1", 500_000), p, w.now))
    r = refused(sell(w.book, _sell("s2", 1), p, w.now)).refusals[0]
    assert (r.rule, r.figures) == ("R17", {"consumer_after_fen": 500_001, "cap_fen": 500_000})
    pack: SellOptions = {"kind": InstrumentKind.SESSION_PACK, "sessions": 30}
    w.apply(sell(w.book, _sell("p1", 1_500_000, **pack), p, w.now))
    d = refused(sell(w.book, _sell("p2", 10, **pack), p, w.now))
    totals = [x for x in d.refusals if x.message == "per-consumer total cap"]
    assert totals[0].figures == {"consumer_after_fen": 2_000_010, "cap_fen": 2_000_000}
    # Another consumer is unaffected.
    assert not hasattr(sell(w.book, _sell("s3", 1, holder="h2"), p, w.now), "refusals")


def test_term_and_session_caps_r17() -> None:
    w = World.open(merchant(industry="tutoring"))
    long = _sell(
        "t1",
        10_000,
        kind=InstrumentKind.MEMBERSHIP,
        term_starts_on=date(2025, 6, 1),
        term_ends_on=date(2025, 10, 1),
    )
    r = refused(sell(w.book, long, TUTORING, w.now)).refusals[0]
    assert (r.rule, r.figures) == ("R17", {"term_months": 4, "cap_months": 3})
    pack = _sell("t2", 10_000, kind=InstrumentKind.SESSION_PACK, sessions=61)
    r = refused(sell(w.book, pack, TUTORING, w.now)).refusals[0]
    assert (r.rule, r.figures) == ("R17", {"sessions_after": 61, "cap_sessions": 60})


def test_eligibility_gates_r5() -> None:
    m = replace(
        merchant(jurisdiction="CN-BJ"),
        eligibility_flags=frozenset({EligibilityFlag.JUDGMENT_DEFAULTER}),
    )
    w = World.open(m)
    r = refused(sell(w.book, _sell("c1", 100), BEIJING, w.now)).refusals[0]
    assert (r.rule, r.figures) == ("R5", {"flag": "judgment_defaulter"})
    young = replace(merchant(jurisdiction="CN-JL-SP"), licensed_on=date(2025, 3, 15))
    w = World.open(young)
    r = refused(sell(w.book, _sell("c1", 100), SIPING, w.now)).refusals[0]
    assert (r.rule, r.figures) == ("R5", {"months_since_licence": 2, "min_months_since_licence": 6})


@pytest.mark.parametrize(
    ("status", "rule"),
    [
        (MerchantStatus.CLOSING, "R28"),
        (MerchantStatus.DEFAULTED, "R27"),
        (MerchantStatus.CLOSED, "R27"),
    ],
)
def test_no_sales_once_closing_or_worse(status: MerchantStatus, rule: str) -> None:
    w = World.open(merchant(status=status, grade=CreditGrade.A))
    r = refused(sell(w.book, _sell("c1", 100), NATIONAL_BASELINE, w.now)).refusals[0]
    assert (r.rule, r.figures) == (rule, {"status": status.value})


def test_top_up_must_match_card_and_amounts_must_be_positive() -> None:
    w = World.open(merchant())
    w.apply(sell(w.book, _sell("c1", 100), NATIONAL_BASELINE, w.now))
    with pytest.raises(InvalidCommand):
        sell(w.book, _sell("c1", 100, holder="other"), NATIONAL_BASELINE, w.now)
    with pytest.raises(InvalidCommand):
        sell(w.book, _sell("c2", 0), NATIONAL_BASELINE, w.now)
