from __future__ import annotations

from datetime import date, timedelta

import pytest

from ledger.custody.accounts import AccountKind
from ledger.custody.kinds import MerchantStatus as S
from ledger.custody.merchant_status import IllegalTransition, transition
from ledger.custody.returns import (
    AcceptedReturn,
    ReturnPledge,
    ReturnPolicy,
    fund_return_cover,
    reimburse_return,
)
from tests.custody.harness import T0, World, cid, merchant, refused

EVIDENCE = ["platform alert 2025-06-01"]


def test_warning_and_back() -> None:
    m, rec = transition(merchant(), S.WARNING, EVIDENCE, "regulator:li", T0)
    assert (rec.from_status, rec.to_status, m.status) == (S.NORMAL, S.WARNING, S.WARNING)
    m, _ = transition(m, S.NORMAL, ["fixed"], "regulator:li", T0)
    assert m.status == S.NORMAL


def test_closing_needs_30_days_notice_and_closed_waits_for_it() -> None:
    with pytest.raises(IllegalTransition) as e:
        transition(merchant(), S.CLOSING, EVIDENCE, "ops", T0, T0.date() + timedelta(days=29))
    assert e.value.rule == "R28"
    ends = T0.date() + timedelta(days=30)
    m, _ = transition(merchant(), S.CLOSING, EVIDENCE, "ops", T0, ends)
    with pytest.raises(IllegalTransition):
        transition(m, S.CLOSED, EVIDENCE, "ops", T0 + timedelta(days=29))
    m, rec = transition(m, S.CLOSED, EVIDENCE, "ops", T0 + timedelta(days=30))
    assert m.status == S.CLOSED and rec.notice_ends_on == ends


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (S.NORMAL, S.DEFAULTED),
        (S.NORMAL, S.CLOSED),
        (S.DEFAULTED, S.NORMAL),
        (S.CLOSED, S.NORMAL),
        (S.CLOSING, S.NORMAL),
    ],
)
def test_illegal_transitions(start: S, to: S) -> None:
    with pytest.raises(IllegalTransition):
        transition(merchant(status=start), to, EVIDENCE, "ops", T0, date(2030, 1, 1))


def test_transition_needs_evidence_and_decider() -> None:
    with pytest.raises(IllegalTransition):
        transition(merchant(), S.WARNING, [], "ops", T0)
    with pytest.raises(IllegalTransition):
        transition(merchant(), S.WARNING, EVIDENCE, " ", T0)


def _return(**kw: object) -> AcceptedReturn:
    args: dict[str, object] = {
        "command_id": cid(),
        "return_id": "rt1",
        "merchant_id": "m1",
        "sold_at": T0,
        "returned_at": T0 + timedelta(days=3),
        "sold_store_id": "s1",
        "returned_store_id": "s1",
        "amount_fen": 5_000,
        "conditions_met": frozenset({"goods_intact"}),
    }
    args.update(kw)
    return AcceptedReturn(**args)  # type: ignore[arg-type]


def test_return_insurance_reimburses_pledged_returns_r31() -> None:
    w = World.open(merchant())
    w.apply(fund_return_cover(cid(), "ins1", 8_000))
    pledge = ReturnPledge("m1", ReturnPolicy(), date(2025, 1, 1), "ins1")
    cover = w.state.accounts
    from ledger.custody.accounts import account_id

    w.apply(
        reimburse_return(
            pledge, _return(), cover[account_id(AccountKind.RETURN_INSURANCE, "ins1")], T0
        )
    )
    assert w.balance(AccountKind.RETURN_INSURANCE, "ins1") == 3_000
    late = _return(
        returned_at=T0 + timedelta(days=8),
        returned_store_id="s2",
        conditions_met=frozenset(),
        amount_fen=3_001,
    )
    d = refused(
        reimburse_return(pledge, late, cover[account_id(AccountKind.RETURN_INSURANCE, "ins1")], T0)
    )
    messages = [r.message for r in d.refusals]
    assert d.rules == ("R31",) * 4
    assert (
        "outside the return window" in messages and "no-reason-return cover exhausted" in messages
    )
