"""Random sequences of custody operations through the gRPC API (hypothesis).

Each example onboards a fresh merchant under one of four policy profiles (ratio schemes at 20%
and 40%, per-use schemes at 100% with and without a release delay) and runs 10 to 20 random
steps: sales and top-ups, uses recorded by the merchant or the consumer, confirmations and
disputes, time passing, releases, bank confirmations and failures, cooling-off and balance
refunds with their payment, lost-card reissues, warnings; some examples end in a default that is
settled through the waterfall. The checks, all through the API:

- after every step, outside a default and with no refund awaiting payment, custody cash is at
  least the required amount (domain rules, section 2 invariant 2); a release is accepted exactly
  when it is within GetMerchantPosition's releasable amount, and refused with the binding rule;
- every answer is OK or a refusal naming a rule the step may meet, never anything else;
- at the end: the sum of card balances equals the outstanding balance (invariant 1), custody +
  advances = cards + earned + refunds payable outside a default, no card lineage got more back
  (refunds and default payouts) than was paid in (invariant 5), every third-party payout has its
  subrogated receivable (R29), and the journal passes `check_invariants`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import grpc
import psycopg
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fangxin.v1 import custody_pb2 as pb
from fangxin.v1 import ledger_pb2, ledger_pb2_grpc
from ledger.custody.accounts import AccountKind, account_id
from ledger.custody.commands import ExpireRedemption
from ledger.custody.dispatch import Envelope
from ledger.pg.database import create_database, drop_database, libpq_url
from services.server import Running
from tests.support import check_invariants
from tests.test_custody_api import Api, Clock, custody_server, custody_stub, failure_of, rid

OK = grpc.StatusCode.OK
FP = grpc.StatusCode.FAILED_PRECONDITION
PRICE = 1_000  # fen per "unit" on every card's schedule
# 15 examples keep the test near 5 s; raise it to hunt (FANGXIN_CUSTODY_EXAMPLES=500).
MAX_EXAMPLES = int(os.environ.get("FANGXIN_CUSTODY_EXAMPLES", "15"))


@dataclass(frozen=True)
class Profile:
    jurisdiction: str
    industry: str
    grade: Any


PROFILES = [
    Profile("CN", "catering", pb.CREDIT_GRADE_B),  # ratio 20%, surplus released (R13)
    Profile("CN", "tutoring", pb.CREDIT_GRADE_B),  # 100%, per confirmed use (R10, R12)
    Profile("CN-JL", "retail", pb.CREDIT_GRADE_C),  # 100%, per use, 3-day release delay
    Profile("CN-SH", "fitness", pb.CREDIT_GRADE_B),  # ratio 40%, per-consumer caps (R17)
]
HOLDERS = ["h0", "h1", "h2"]


@dataclass
class Rig:
    url: str
    clock: Clock
    server: Running
    api: Api
    ledger: ledger_pb2_grpc.LedgerServiceStub


@pytest.fixture(scope="module")
def rig(pg_server_url: str, template_db: str) -> Iterator[Rig]:
    name = f"fangxin_cprop_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(libpq_url(pg_server_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    url = create_database(pg_server_url, name)
    clock = Clock()
    with (
        custody_server(url, clock) as server,
        custody_stub(server.port) as stub,
        grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel,
    ):
        ledger = ledger_pb2_grpc.LedgerServiceStub(channel)  # type: ignore[no-untyped-call]
        yield Rig(url, clock, server, Api(stub, prices={"unit": PRICE}), ledger)
    drop_database(pg_server_url, name)


@dataclass
class Card:
    card_id: str
    holder: str
    lineage: str  # the first card of a chain of reissues
    registered: bool
    active: bool = True


@dataclass
class Model:
    """What the test knows about one example's merchant."""

    merchant_id: str
    cards: dict[str, Card] = field(default_factory=dict)
    lots: list[str] = field(default_factory=list)
    pending_uses: list[str] = field(default_factory=list)
    instructions: list[str] = field(default_factory=list)
    unpaid_refunds: list[str] = field(default_factory=list)  # their payment failed at the bank
    paid_in: dict[str, int] = field(default_factory=dict)  # lineage -> principal paid in
    status: Any = pb.MERCHANT_STATUS_NORMAL
    third_party_paid: int = 0
    counter: int = 0

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def active_cards(self) -> list[Card]:
        return [c for c in self.cards.values() if c.active]


def call(fn: Callable[[], Any]) -> tuple[grpc.StatusCode, Any]:
    """(OK, reply) or (code, Failure)."""
    try:
        return OK, fn()
    except grpc.RpcError as err:
        f = failure_of(err)
        return f.code, f


def expect(code: grpc.StatusCode, reply: Any, *allowed_rules: str) -> bool:
    """True when accepted; a refusal must name only rules from `allowed_rules`."""
    if code == OK:
        return True
    assert code == FP and reply.reason == "CUSTODY_RULE_REFUSED", (code, reply)
    assert set(reply.rules) <= set(allowed_rules), reply
    return False


# -- steps ---------------------------------------------------------------------------------------


def step_sell(rig: Rig, m: Model, data: st.DataObject) -> None:
    top_up = bool(m.active_cards()) and data.draw(st.booleans(), label="top_up")
    if top_up:
        card = data.draw(st.sampled_from(m.active_cards()), label="card")
    else:
        registered = data.draw(st.sampled_from([True, True, False]), label="registered")
        holder = data.draw(st.sampled_from(HOLDERS), label="holder")
        cid = m.next_id(f"{m.merchant_id}-c")
        card = Card(cid, holder, cid, registered)
    paid = data.draw(st.integers(10, 3_000), label="paid") * 100
    bonus = data.draw(st.sampled_from([0, 0, paid // 10, paid // 4]), label="bonus")
    code, reply = call(
        lambda: rig.api.sell(
            m.merchant_id, card.card_id, card.holder, paid, bonus_fen=bonus,
            registered=card.registered,
        )
    )  # fmt: skip
    if expect(code, reply, "R16", "R17", "R27", "R28"):
        m.cards[card.card_id] = card
        m.lots.append(reply.lot_id)
        m.paid_in[card.lineage] = m.paid_in.get(card.lineage, 0) + paid


def step_redeem(rig: Rig, m: Model, data: st.DataObject) -> None:
    if not m.active_cards():
        return
    card = data.draw(st.sampled_from(m.active_cards()), label="card")
    quantity = data.draw(st.integers(1, 60), label="quantity")
    by = data.draw(st.sampled_from([pb.INITIATOR_MERCHANT, pb.INITIATOR_CONSUMER]), label="by")
    redemption_id = m.next_id("r")
    code, reply = call(
        lambda: rig.api.redeem(
            m.merchant_id, redemption_id, card.card_id, quantity, item="unit", by=by
        )
    )
    if expect(code, reply, "R39", "R27") and by == pb.INITIATOR_MERCHANT:
        m.pending_uses.append(redemption_id)


def resolve_use(rig: Rig, m: Model, redemption_id: str, *, confirm: bool) -> None:
    action = rig.api.confirm if confirm else rig.api.dispute
    code, reply = call(lambda: action(m.merchant_id, redemption_id))
    m.pending_uses.remove(redemption_id)
    if not expect(code, reply, "R12"):  # lapsed: the scheduler closes it
        outcome = rig.server.writer.submit_command(
            Envelope(m.merchant_id, ExpireRedemption(uuid.uuid4(), redemption_id), "scheduler")
        )
        assert outcome.accepted, outcome


def step_resolve_use(rig: Rig, m: Model, data: st.DataObject) -> None:
    if not m.pending_uses:
        return
    redemption_id = data.draw(st.sampled_from(m.pending_uses), label="use")
    resolve_use(rig, m, redemption_id, confirm=data.draw(st.booleans(), label="confirm"))


def step_time(rig: Rig, m: Model, data: st.DataObject) -> None:
    rig.clock.advance(hours=data.draw(st.sampled_from([1, 30, 80, 200]), label="hours"))


def step_release(rig: Rig, m: Model, data: st.DataObject) -> None:
    position = rig.api.position(m.merchant_id)
    can = position.releasable_fen
    amount = data.draw(
        st.sampled_from([max(1, can // 2), max(1, can), can + 1]), label="release_amount"
    )
    code, reply = call(lambda: rig.api.release(m.merchant_id, amount))
    if amount <= can:
        assert code == OK, reply
        m.instructions += list(reply.result.instruction_ids)
        after = rig.api.position(m.merchant_id)
        assert after.custody_cash_fen >= after.required_fen, after  # R13: never below required
    else:
        assert (code, reply.rules) == (FP, [position.binding_rule]), reply
        key = f"{position.binding_rule.lower()}_releasable_fen"
        assert reply.metadata[key] == str(can)


def step_bank(rig: Rig, m: Model, data: st.DataObject) -> None:
    if not m.instructions:
        return
    instruction_id = data.draw(st.sampled_from(m.instructions), label="instruction")
    m.instructions.remove(instruction_id)
    if data.draw(st.booleans(), label="bank_confirms"):
        done = rig.api.bank_confirms(m.merchant_id, instruction_id)
        assert done.status == pb.INSTRUCTION_STATUS_CONFIRMED
    else:
        done = rig.api.bank_fails(m.merchant_id, instruction_id, "payee account closed")
        assert done.status == pb.INSTRUCTION_STATUS_FAILED
        if done.refund_id:
            m.unpaid_refunds.append(done.refund_id)


def step_pay_again(rig: Rig, m: Model, data: st.DataObject) -> None:
    if m.unpaid_refunds:
        _pay(rig, m, m.unpaid_refunds.pop(0))


def _pay(rig: Rig, m: Model, refund_id: str) -> None:
    code, reply = call(lambda: rig.api.pay_refund(m.merchant_id, refund_id))
    if expect(code, reply, "INSTRUCTION"):
        m.instructions += list(reply.result.instruction_ids)
        return
    # The merchant's advance is still with the bank: settle its instructions, then pay.
    for instruction_id in list(m.instructions):
        rig.api.bank_confirms(m.merchant_id, instruction_id)
        m.instructions.remove(instruction_id)
    paid = rig.api.pay_refund(m.merchant_id, refund_id)
    m.instructions += list(paid.result.instruction_ids)


def step_cooling_off_refund(rig: Rig, m: Model, data: st.DataObject) -> None:
    if not m.lots:
        return
    lot_id = data.draw(st.sampled_from(m.lots), label="lot")
    refund_id = m.next_id("rf")
    request = pb.RequestCoolingOffRefundRequest(
        request_id=rid(), actor="consumer", merchant_id=m.merchant_id, refund_id=refund_id,
        lot_id=lot_id,
    )  # fmt: skip
    code, reply = call(lambda: rig.api.stub.RequestCoolingOffRefund(request))
    if code == grpc.StatusCode.INVALID_ARGUMENT:  # the lot or its card is closed already
        assert reply.reason == "INVALID_COMMAND", reply
        return
    if expect(code, reply, "R18", "R12", "R20"):
        m.lots.remove(lot_id)
        _pay(rig, m, refund_id)


def step_balance_refund(rig: Rig, m: Model, data: st.DataObject) -> None:
    if not m.active_cards():
        return
    card = data.draw(st.sampled_from(m.active_cards()), label="card")
    reason = data.draw(
        st.sampled_from([pb.REFUND_REASON_MERCHANT_FAULT, pb.REFUND_REASON_CONSUMER_REASON]),
        label="reason",
    )
    refund_id = m.next_id("rf")
    code, reply = call(
        lambda: rig.api.balance_refund(m.merchant_id, refund_id, card.card_id, reason)
    )
    if expect(code, reply, "R12", "R20"):
        card.active = False
        _pay(rig, m, refund_id)


def step_reissue(rig: Rig, m: Model, data: st.DataObject) -> None:
    if not m.active_cards():
        return
    card = data.draw(st.sampled_from(m.active_cards()), label="card")
    new_id = m.next_id(f"{m.merchant_id}-c")
    request = pb.ReissueLostCardRequest(
        request_id=rid(), actor="consumer", merchant_id=m.merchant_id, card_id=card.card_id,
        new_card_id=new_id,
    )  # fmt: skip
    code, reply = call(lambda: rig.api.stub.ReissueLostCard(request))
    if expect(code, reply, "R12", "R23"):
        card.active = False
        m.cards[new_id] = Card(new_id, card.holder, card.lineage, card.registered)


def step_warning(rig: Rig, m: Model, data: st.DataObject) -> None:
    to = (
        pb.MERCHANT_STATUS_NORMAL
        if m.status == pb.MERCHANT_STATUS_WARNING
        else pb.MERCHANT_STATUS_WARNING
    )
    rig.api.status(m.merchant_id, to)
    m.status = to


STEPS = [
    step_sell, step_sell, step_sell, step_redeem, step_redeem, step_resolve_use, step_time,
    step_release, step_release, step_bank, step_cooling_off_refund, step_balance_refund,
    step_reissue, step_warning, step_pay_again,
]  # fmt: skip


def default_and_settle(rig: Rig, m: Model, data: st.DataObject) -> None:
    """The merchant absconds: unconfirmed uses are disputed, and the waterfall pays holders."""
    if m.status == pb.MERCHANT_STATUS_NORMAL:
        rig.api.status(m.merchant_id, pb.MERCHANT_STATUS_WARNING)
    rig.api.status(m.merchant_id, pb.MERCHANT_STATUS_DEFAULTED)
    m.status = pb.MERCHANT_STATUS_DEFAULTED
    while m.pending_uses:
        resolve_use(rig, m, m.pending_uses[0], confirm=False)
    for instruction_id in m.instructions:  # the bank finishes what it was given
        rig.api.bank_confirms(m.merchant_id, instruction_id)
    m.instructions.clear()
    deposit = data.draw(st.sampled_from([0, 50_000]), label="deposit")
    pool = data.draw(st.sampled_from([0, 100_000, 10_000_000]), label="pool")
    if deposit:
        rig.api.fund(pb.FUNDING_SOURCE_RISK_DEPOSIT, m.merchant_id, deposit)
    if pool:
        rig.api.fund(pb.FUNDING_SOURCE_COMPENSATION_POOL, f"pool-{m.merchant_id}", pool)
    before = rig.api.position(m.merchant_id)
    settle = pb.SettleDefaultRequest(request_id=rid(), actor="regulator", merchant_id=m.merchant_id)
    code, reply = call(lambda: rig.api.stub.SettleDefault(settle))
    if code == grpc.StatusCode.INVALID_ARGUMENT:  # nobody is owed anything
        assert reply.reason == "INVALID_COMMAND" and before.outstanding_fen == 0
        return
    assert code == OK, reply
    assert reply.paid_fen == min(reply.claimed_fen, before.custody_cash_fen + deposit + pool)
    assert sum(p.amount_fen for p in reply.paid_by_source) == reply.paid_fen
    third_party = sum(
        p.amount_fen for p in reply.paid_by_source if p.source != pb.FUNDING_SOURCE_CUSTODY_CASH
    )
    assert sum(c.amount_fen for c in reply.claims_opened) == third_party
    m.third_party_paid += third_party
    for card in m.cards.values():
        card.active = False


# -- checks --------------------------------------------------------------------------------------


def check_custody(rig: Rig, m: Model) -> None:
    position = rig.api.position(m.merchant_id)
    frozen = position.status in (pb.MERCHANT_STATUS_DEFAULTED, pb.MERCHANT_STATUS_CLOSED)
    if not frozen and position.refund_payable_fen == 0:
        assert position.custody_cash_fen >= position.required_fen, position


def posted(rig: Rig, ids: list[uuid.UUID]) -> dict[str, int]:
    """Posted balances on each account's normal side (cards, earned and payable are credit
    side; custody and advances are debit side)."""
    reply = rig.ledger.LookupAccounts(ledger_pb2.LookupAccountsRequest(ids=[str(i) for i in ids]))
    out: dict[str, int] = {}
    for a in reply.accounts:
        out[a.id] = a.credits_posted - a.debits_posted
    return out


def check_end(rig: Rig, m: Model) -> None:
    position = rig.api.position(m.merchant_id)
    statements = {c: rig.api.statement(m.merchant_id, c) for c in m.cards}
    active = [s for s in statements.values() if s.card.status == pb.CARD_STATUS_ACTIVE]
    assert sum(s.balance_fen for s in active) == position.outstanding_fen  # invariant 1
    assert position.recovery_receivable_fen == position.subrogated_liability_fen
    assert position.recovery_receivable_fen == m.third_party_paid  # R29: each payout subrogated
    # No lineage of cards got more back than was paid into it (invariant 5, S3 art.20).
    returned: dict[str, int] = {}
    for card_id, s in statements.items():
        lineage = m.cards[card_id].lineage
        back = sum(r.amount_fen for r in s.refunds)
        back += sum(e.amount_fen for e in s.entries if e.kind in ("default_payout", "subrogation"))
        returned[lineage] = returned.get(lineage, 0) + back
    for lineage, amount in returned.items():
        assert amount <= m.paid_in.get(lineage, 0), (lineage, amount, m.paid_in)
    if position.status != pb.MERCHANT_STATUS_DEFAULTED:
        mid = m.merchant_id
        cash, advance, earned, payable = (
            account_id(k, mid)
            for k in (
                AccountKind.CUSTODY_CASH, AccountKind.MERCHANT_RELEASED,
                AccountKind.MERCHANT_EARNED, AccountKind.CONSUMER_REFUND_PAYABLE,
            )
        )  # fmt: skip
        cards = [account_id(AccountKind.CARD_LIABILITY, c) for c in m.cards]
        b = posted(rig, [cash, advance, earned, payable, *cards])
        assets = -b[str(cash)] - b[str(advance)]
        liabilities = b[str(earned)] + b[str(payable)] + sum(b.get(str(c), 0) for c in cards)
        assert assets == liabilities, (assets, liabilities)


@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_custody_histories_keep_the_rules(rig: Rig, data: st.DataObject) -> None:
    profile = data.draw(st.sampled_from(PROFILES), label="profile")
    m = Model(f"m{uuid.uuid4().hex[:8]}")
    rig.api.onboard(
        m.merchant_id, jurisdiction=profile.jurisdiction, industry=profile.industry,
        grade=profile.grade, pool_id=f"pool-{m.merchant_id}",
    )  # fmt: skip
    for _ in range(data.draw(st.integers(10, 20), label="steps")):
        step = data.draw(st.sampled_from(STEPS), label="step")
        step(rig, m, data)
        event(step.__name__)
        check_custody(rig, m)
    if data.draw(st.booleans(), label="default"):
        default_and_settle(rig, m, data)
    check_end(rig, m)
    check_invariants(rig.url)
