from __future__ import annotations

from datetime import date

from ledger.custody.card_moves import assign_card, reissue_lost_card
from ledger.custody.commands import AssignCard, ReissueLostCard, Sell
from ledger.custody.instruments import InstrumentStatus, PriceSchedule
from ledger.custody.kinds import InstrumentKind
from ledger.custody.policies_seed import NATIONAL_BASELINE as P
from ledger.custody.sales import sell
from tests.custody.harness import World, cid, merchant, refused


def test_lost_registered_card_is_reissued_with_its_balance_r23() -> None:
    w = World.open(merchant())
    w.apply(
        sell(
            w.book,
            Sell(cid(), "c1", "h1", InstrumentKind.STORED_VALUE, True, 10_000, 2_500),
            P,
            w.now,
        )
    )
    w.apply(reissue_lost_card(w.book, ReissueLostCard(cid(), "c1", "c1b"), P, w.now))
    assert w.book.instruments["c1"].status == InstrumentStatus.REPLACED
    assert (w.book.card_balance("c1"), w.book.card_balance("c1b")) == (0, 10_000)
    assert [lot.face_fen for lot in w.book.lots_of("c1b")] == [12_500]
    w.apply(
        sell(w.book, Sell(cid(), "b1", "h1", InstrumentKind.STORED_VALUE, False, 1_000), P, w.now)
    )
    assert refused(
        reissue_lost_card(w.book, ReissueLostCard(cid(), "b1", "b2"), P, w.now)
    ).rules == ("R23",)


def test_partial_assignment_moves_paid_value_and_memberships_are_not_split() -> None:
    w = World.open(merchant())
    w.apply(
        sell(
            w.book,
            Sell(
                cid(),
                "c1",
                "h1",
                InstrumentKind.STORED_VALUE,
                True,
                10_000,
                2_500,
                schedule=PriceSchedule({"x": 1}),
            ),
            P,
            w.now,
        )
    )
    w.apply(assign_card(w.book, AssignCard(cid(), "c1", "h2", "c2", 5_000), P, w.now))
    assert (w.book.card_balance("c1"), w.book.card_balance("c2")) == (6_000, 4_000)
    assert w.book.instruments["c2"].holder_id == "h2"
    m = Sell(
        cid(),
        "m1",
        "h1",
        InstrumentKind.MEMBERSHIP,
        True,
        10_000,
        term_starts_on=date(2025, 6, 1),
        term_ends_on=date(2026, 6, 1),
    )
    w.apply(sell(w.book, m, P, w.now))
    d = refused(assign_card(w.book, AssignCard(cid(), "m1", "h2", "m2", 100), P, w.now))
    assert (d.rules, d.refusals[0].figures) == (("R23",), {"face_fen": 100})
    w.apply(assign_card(w.book, AssignCard(cid(), "m1", "h2"), P, w.now))
    assert w.book.instruments["m1"].holder_id == "h2"
