"""The custody API over a real server and database: every flow, the error mapping, idempotency,
and a gym that sells 200 cards and vanishes.

The server runs with a clock the tests move forward (cooling-off windows, hold timeouts).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

import grpc
import psycopg
import pytest
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from grpc_status import rpc_status

from fangxin.v1 import custody_pb2 as pb
from fangxin.v1 import custody_pb2_grpc
from ledger.custody.commands import ExpireRedemption
from ledger.custody.dispatch import Envelope
from ledger.pg.custody_store import ns_to_datetime
from ledger.pg.database import libpq_url
from services import custody_convert as cv
from services.server import Running, create_server
from services.settings import Settings
from tests.support import check_invariants

Stub = custody_pb2_grpc.CustodyServiceStub
T = TypeVar("T")
FP = grpc.StatusCode.FAILED_PRECONDITION


class Clock:
    """The server's clock (ns since the epoch): it ticks a microsecond per reading, like a real
    clock that never stands still, and tests move it forward by days."""

    def __init__(self) -> None:
        self._ns = time.time_ns()
        self._lock = threading.Lock()

    def __call__(self) -> int:
        with self._lock:
            self._ns += 1_000
            return self._ns

    def advance(self, **delta: float) -> None:
        with self._lock:
            self._ns += timedelta(**delta) // timedelta(microseconds=1) * 1000

    def today(self) -> date:
        return ns_to_datetime(self()).date()


@contextmanager
def custody_server(database_url: str, clock: Clock) -> Iterator[Running]:
    settings = Settings(listen="127.0.0.1:0", grpc_workers=32)
    running = create_server(settings, database_url, clock=clock)
    try:
        yield running
    finally:
        running.stop(grace_s=2)


@contextmanager
def custody_stub(port: int) -> Iterator[Stub]:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield custody_pb2_grpc.CustodyServiceStub(channel)  # type: ignore[no-untyped-call]


def _as(cls: type[T], reply: object) -> T:
    """A stub's reply, typed (the generated stubs are untyped) and checked."""
    assert isinstance(reply, cls), reply
    return reply


def rid() -> str:
    return str(uuid.uuid4())


@dataclass
class Failure:
    code: grpc.StatusCode
    reason: str
    metadata: dict[str, str]
    violations: list[tuple[str, str, str]]  # PreconditionFailure (type, subject, description)
    fields: list[str]  # BadRequest field paths

    @property
    def rules(self) -> list[str]:
        return [v[0] for v in self.violations]


def failure(call: Callable[[], object]) -> Failure:
    """The call must fail; returns its status and details."""
    with pytest.raises(grpc.RpcError) as info:
        call()
    return failure_of(info.value)


def failure_of(err: grpc.RpcError) -> Failure:
    status = rpc_status.from_call(err)  # type: ignore[arg-type]
    assert status is not None
    out = Failure(err.code(), "", {}, [], [])
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info_pb = error_details_pb2.ErrorInfo()
            detail.Unpack(info_pb)
            out.reason, out.metadata = info_pb.reason, dict(info_pb.metadata)
        elif detail.Is(error_details_pb2.PreconditionFailure.DESCRIPTOR):
            pf = error_details_pb2.PreconditionFailure()
            detail.Unpack(pf)
            out.violations = [(v.type, v.subject, v.description) for v in pf.violations]
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            out.fields = [v.field for v in bad.field_violations]
    return out


def refused(call: Callable[[], object], *rules: str) -> Failure:
    """The call must fail FAILED_PRECONDITION, CUSTODY_RULE_REFUSED, naming exactly `rules`."""
    f = failure(call)
    assert (f.code, f.reason) == (FP, "CUSTODY_RULE_REFUSED"), f
    assert f.rules == list(rules), f
    assert f.metadata["rules"] == ",".join(rules)
    return f


@dataclass
class Api:
    """Thin helpers over the stub: fresh request ids, an actor, defaults for the tests."""

    stub: Stub
    actor: str = "test"
    prices: dict[str, int] = field(default_factory=lambda: {"class": 5_000})

    def onboard(
        self,
        merchant_id: str,
        *,
        jurisdiction: str = "CN",
        industry: str = "catering",
        grade: Any = pb.CREDIT_GRADE_B,
        issuer: Any = pb.ISSUER_CLASS_SCALE,
        pool_id: str = "pool-cn",
    ) -> pb.OnboardMerchantResponse:
        return _as(
            pb.OnboardMerchantResponse,
            self.stub.OnboardMerchant(
                pb.OnboardMerchantRequest(
                    request_id=rid(),
                    actor="regulator",
                    merchant_id=merchant_id,
                    issuer_class=issuer,
                    industry=industry,
                    jurisdiction=jurisdiction,
                    credit_grade=grade,
                    licensed_on="2020-01-01",
                    pool_id=pool_id,
                )
            ),
        )

    def sale_request(
        self, merchant_id: str, card_id: str, holder_id: str, paid_fen: int, **kw: Any
    ) -> pb.RecordSaleRequest:
        kw.setdefault("kind", pb.INSTRUMENT_KIND_STORED_VALUE)
        kw.setdefault("registered", True)
        kw.setdefault("list_prices", self.prices)
        return pb.RecordSaleRequest(
            request_id=str(kw.pop("request_id", rid())),
            actor="bank",
            merchant_id=merchant_id,
            card_id=card_id,
            holder_id=holder_id,
            paid_fen=paid_fen,
            **kw,
        )

    def sell(
        self, merchant_id: str, card_id: str, holder_id: str, paid_fen: int, **kw: Any
    ) -> pb.RecordSaleResponse:
        return _as(
            pb.RecordSaleResponse,
            self.stub.RecordSale(
                self.sale_request(merchant_id, card_id, holder_id, paid_fen, **kw)
            ),
        )

    def redeem(
        self,
        merchant_id: str,
        redemption_id: str,
        card_id: str,
        quantity: int,
        *,
        item: str = "class",
        by: Any = pb.INITIATOR_MERCHANT,
    ) -> pb.RecordRedemptionResponse:
        return _as(
            pb.RecordRedemptionResponse,
            self.stub.RecordRedemption(
                pb.RecordRedemptionRequest(
                    request_id=rid(),
                    actor=self.actor,
                    merchant_id=merchant_id,
                    redemption_id=redemption_id,
                    card_id=card_id,
                    item=item,
                    quantity=quantity,
                    initiated_by=by,
                )
            ),
        )

    def confirm(self, merchant_id: str, redemption_id: str) -> pb.ConfirmRedemptionResponse:
        return _as(
            pb.ConfirmRedemptionResponse,
            self.stub.ConfirmRedemption(
                pb.ConfirmRedemptionRequest(
                    request_id=rid(),
                    actor="consumer",
                    merchant_id=merchant_id,
                    redemption_id=redemption_id,
                )
            ),
        )

    def dispute(self, merchant_id: str, redemption_id: str) -> pb.DisputeRedemptionResponse:
        return _as(
            pb.DisputeRedemptionResponse,
            self.stub.DisputeRedemption(
                pb.DisputeRedemptionRequest(
                    request_id=rid(),
                    actor="consumer",
                    merchant_id=merchant_id,
                    redemption_id=redemption_id,
                )
            ),
        )

    def release(self, merchant_id: str, amount_fen: int) -> pb.RequestReleaseResponse:
        return _as(
            pb.RequestReleaseResponse,
            self.stub.RequestRelease(
                pb.RequestReleaseRequest(
                    request_id=rid(),
                    actor="merchant",
                    merchant_id=merchant_id,
                    amount_fen=amount_fen,
                )
            ),
        )

    def bank_confirms(self, merchant_id: str, instruction_id: str) -> pb.Instruction:
        return _as(
            pb.ConfirmInstructionResponse,
            self.stub.ConfirmInstruction(
                pb.ConfirmInstructionRequest(
                    request_id=rid(),
                    actor="bank",
                    merchant_id=merchant_id,
                    instruction_id=instruction_id,
                )
            ),
        ).instruction

    def bank_fails(self, merchant_id: str, instruction_id: str, reason: str) -> pb.Instruction:
        return _as(
            pb.FailInstructionResponse,
            self.stub.FailInstruction(
                pb.FailInstructionRequest(
                    request_id=rid(),
                    actor="bank",
                    merchant_id=merchant_id,
                    instruction_id=instruction_id,
                    reason=reason,
                )
            ),
        ).instruction

    def position(self, merchant_id: str) -> pb.GetMerchantPositionResponse:
        return _as(
            pb.GetMerchantPositionResponse,
            self.stub.GetMerchantPosition(pb.GetMerchantPositionRequest(merchant_id=merchant_id)),
        )

    def statement(self, merchant_id: str, card_id: str) -> pb.GetCardStatementResponse:
        return _as(
            pb.GetCardStatementResponse,
            self.stub.GetCardStatement(
                pb.GetCardStatementRequest(merchant_id=merchant_id, card_id=card_id)
            ),
        )

    def status(
        self, merchant_id: str, to: Any, *, notice_ends_on: str = ""
    ) -> pb.ChangeMerchantStatusResponse:
        return _as(
            pb.ChangeMerchantStatusResponse,
            self.stub.ChangeMerchantStatus(
                pb.ChangeMerchantStatusRequest(
                    request_id=rid(),
                    actor="regulator",
                    merchant_id=merchant_id,
                    status=to,
                    evidence=["inspection report 2025-17"],
                    notice_ends_on=notice_ends_on,
                )
            ),
        )

    def fund(self, source: Any, owner_id: str, amount_fen: int) -> pb.FundCompensationResponse:
        return _as(
            pb.FundCompensationResponse,
            self.stub.FundCompensation(
                pb.FundCompensationRequest(
                    request_id=rid(),
                    actor="regulator",
                    source=source,
                    owner_id=owner_id,
                    amount_fen=amount_fen,
                )
            ),
        )

    def balance_refund(
        self, merchant_id: str, refund_id: str, card_id: str, reason: Any
    ) -> pb.RequestBalanceRefundResponse:
        return _as(
            pb.RequestBalanceRefundResponse,
            self.stub.RequestBalanceRefund(
                pb.RequestBalanceRefundRequest(
                    request_id=rid(),
                    actor="consumer",
                    merchant_id=merchant_id,
                    refund_id=refund_id,
                    card_id=card_id,
                    reason=reason,
                )
            ),
        )

    def pay_refund(self, merchant_id: str, refund_id: str) -> pb.PayRefundResponse:
        return _as(
            pb.PayRefundResponse,
            self.stub.PayRefund(
                pb.PayRefundRequest(
                    request_id=rid(),
                    actor="regulator",
                    merchant_id=merchant_id,
                    refund_id=refund_id,
                )
            ),
        )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(database_url: str, clock: Clock) -> Iterator[Running]:
    with custody_server(database_url, clock) as running:
        yield running


@pytest.fixture
def api(server: Running) -> Iterator[Api]:
    with custody_stub(server.port) as stub:
        yield Api(stub)


def _journal_size(database_url: str) -> int:
    with psycopg.connect(libpq_url(database_url)) as conn:
        row = conn.execute("SELECT count(*) FROM transfers").fetchone()
    assert row is not None
    return int(row[0])


def _eventually(check: Callable[[], bool], timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


# -- plumbing --------------------------------------------------------------------------------------


def test_health_and_reflection_serve_the_custody_service(server: Running) -> None:
    name = pb.DESCRIPTOR.services_by_name["CustodyService"].full_name
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        health_stub = health_pb2_grpc.HealthStub(channel)
        reply = health_stub.Check(health_pb2.HealthCheckRequest(service=name))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
        reflection_stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        (answer,) = list(reflection_stub.ServerReflectionInfo(iter([request])))
        assert name in {s.name for s in answer.list_services_response.service}


def test_every_domain_enum_member_round_trips_through_its_proto_enum() -> None:
    maps: list[cv.EnumMap[Any]] = [
        cv.ISSUER_CLASS,
        cv.CREDIT_GRADE,
        cv.MERCHANT_STATUS,
        cv.ELIGIBILITY_FLAG,
        cv.INSTRUMENT_KIND,
        cv.CARD_STATUS,
        cv.INITIATOR,
        cv.REDEMPTION_STATUS,
        cv.REFUND_REASON,
        cv.REFUND_CHANNEL,
        cv.REFUND_KIND,
        cv.COUNTERPARTY_ROLE,
        cv.FUNDING_SOURCE,
        cv.RELEASE_MODE,
        cv.INSTRUCTION_STATUS,
    ]
    for mapping in maps:
        for member in mapping.domain:
            number = mapping.to_proto(member)
            assert number != 0 and mapping.to_domain(number) is member
        assert mapping.to_domain(0) is None and mapping.to_domain(999) is None


# -- sales -----------------------------------------------------------------------------------------


def test_sale_and_top_up_within_caps_and_r16_refusals_with_figures(api: Api) -> None:
    api.onboard("m1")
    first = api.sell("m1", "c1", "h1", 400_000)
    assert first.card_issued and first.lot_id == f"c1/{first.result.request_id}"
    assert first.result.accepted and first.result.policy_version == "cn-baseline-2016.1"
    assert len(first.result.transfer_ids) == 1 and not first.result.replayed
    top_up = api.sell("m1", "c1", "h1", 50_000, bonus_fen=10_000)
    assert not top_up.card_issued
    f = refused(lambda: api.sell("m1", "c1", "h1", 60_000), "R16")
    assert f.metadata["r16_card_after_fen"] == "510000"
    assert f.metadata["r16_cap_fen"] == "500000"
    (violation,) = f.violations
    assert violation[1] == "merchants/m1/cards/c1"
    assert "card_after_fen=510000" in violation[2] and "cap_fen=500000" in violation[2]
    f = refused(lambda: api.sell("m1", "b1", "h2", 100_001, registered=False), "R16")
    assert f.metadata["r16_cap_fen"] == "100000"
    statement = api.statement("m1", "c1")
    assert statement.balance_fen == 450_000 and statement.face_open_fen == 460_000
    assert [lot.paid_fen for lot in statement.lots] == [400_000, 50_000]
    assert [e.kind for e in statement.entries] == ["sale", "sale"]
    position = api.position("m1")
    assert position.outstanding_fen == 450_000 == position.custody_cash_fen
    assert position.required_fen == 450_000  # both lots are inside cooling-off (R14)
    # A top-up must match the card: not a rule refusal, an invalid command.
    f = failure(lambda: api.sell("m1", "c1", "someone-else", 1_000))
    assert (f.code, f.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_COMMAND")
    assert f.metadata["command"] == "Sell"


def test_sector_caps_r17_per_consumer_and_sessions(api: Api) -> None:
    api.onboard("gym", jurisdiction="CN-SH", industry="fitness")
    api.sell("gym", "a", "h1", 300_000)
    f = refused(lambda: api.sell("gym", "b", "h1", 250_000), "R17")
    assert (f.metadata["r17_consumer_after_fen"], f.metadata["r17_cap_fen"]) == ("550000", "500000")
    assert api.sell("gym", "b", "h2", 250_000).card_issued  # another consumer
    pack = {"kind": pb.INSTRUMENT_KIND_SESSION_PACK, "list_prices": {"session": 20_000}}
    f = refused(lambda: api.sell("gym", "p", "h3", 1_000_000, sessions=61, **pack), "R17")
    assert f.metadata["r17_sessions_after"] == "61" and f.metadata["r17_cap_sessions"] == "60"
    assert api.sell("gym", "p", "h3", 1_000_000, sessions=50, **pack).card_issued


# -- redemptions -----------------------------------------------------------------------------------


def test_merchant_redemption_confirmed_posts_and_disputed_voids(api: Api, clock: Clock) -> None:
    api.onboard("m1")
    api.sell("m1", "c1", "h1", 100_000, bonus_fen=25_000)
    recorded = api.redeem("m1", "r1", "c1", 2).redemption
    assert recorded.status == pb.REDEMPTION_STATUS_RECORDED
    assert (recorded.face_value_fen, recorded.paid_value_fen, recorded.list_value_fen) == (
        10_000,
        8_000,
        10_000,
    )
    assert recorded.lapses_at_ns == recorded.recorded_at_ns + 72 * 3600 * 10**9
    held = api.statement("m1", "c1")
    assert (held.balance_fen, held.held_fen, held.face_open_fen) == (100_000, 8_000, 115_000)
    assert api.position("m1").unconfirmed_uses_fen == 8_000
    confirmed = api.confirm("m1", "r1").redemption
    assert confirmed.status == pb.REDEMPTION_STATUS_CONFIRMED and confirmed.lapses_at_ns == 0
    posted = api.statement("m1", "c1")
    assert (posted.balance_fen, posted.held_fen) == (92_000, 0)
    assert [e.phase for e in posted.entries][-2:] == [pb.ENTRY_PHASE_HOLD, pb.ENTRY_PHASE_POST]
    assert api.position("m1").earned_fen == 8_000

    api.redeem("m1", "r2", "c1", 3)
    disputed = api.dispute("m1", "r2").redemption
    assert disputed.status == pb.REDEMPTION_STATUS_DISPUTED
    after = api.statement("m1", "c1")
    assert (after.balance_fen, after.held_fen, after.face_open_fen) == (92_000, 0, 115_000)
    assert after.entries[-1].phase == pb.ENTRY_PHASE_VOID
    assert [r.status for r in after.redemptions] == [
        pb.REDEMPTION_STATUS_CONFIRMED,
        pb.REDEMPTION_STATUS_DISPUTED,
    ]
    # A resolved redemption cannot be confirmed; an unknown one is NOT_FOUND.
    f = failure(lambda: api.confirm("m1", "r2"))
    assert (f.code, f.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_COMMAND")
    f = failure(lambda: api.confirm("m1", "nope"))
    assert (f.code, f.reason) == (grpc.StatusCode.NOT_FOUND, "REDEMPTION_NOT_FOUND")
    assert f.metadata == {"redemption_id": "nope"}
    # The consumer's own write-off posts at once; too much is refused (a card never goes negative).
    own = api.redeem("m1", "r3", "c1", 1, by=pb.INITIATOR_CONSUMER).redemption
    assert own.status == pb.REDEMPTION_STATUS_CONFIRMED
    f = refused(lambda: api.redeem("m1", "r4", "c1", 1_000), "R39")
    assert f.metadata["r39_face_wanted_fen"] == "5000000"
    refused(lambda: api.redeem("m1", "r5", "c1", 1, item="massage"), "R24")


def test_unconfirmed_redemption_lapses_after_the_hold_timeout(
    api: Api, clock: Clock, server: Running
) -> None:
    api.onboard("m1")
    api.sell("m1", "c1", "h1", 100_000, bonus_fen=25_000)
    api.redeem("m1", "r1", "c1", 2)
    clock.advance(hours=73)
    # The writer voids the lapsed hold on its next batch (it wakes up when idle).
    _eventually(lambda: api.statement("m1", "c1").held_fen == 0)
    f = refused(lambda: api.confirm("m1", "r1"), "R12")
    assert "r12_lapsed_at" in f.metadata
    # The scheduler then closes the redemption record and gives the face value back.
    outcome = server.writer.submit_command(
        Envelope("m1", ExpireRedemption(uuid.uuid4(), "r1"), "scheduler")
    )
    assert outcome.accepted
    statement = api.statement("m1", "c1")
    assert statement.redemptions[0].status == pb.REDEMPTION_STATUS_EXPIRED
    assert (statement.balance_fen, statement.face_open_fen) == (100_000, 125_000)
    assert [e.phase for e in statement.entries] == [
        pb.ENTRY_PHASE_SINGLE,
        pb.ENTRY_PHASE_HOLD,
        pb.ENTRY_PHASE_VOID,
    ]
    assert api.position("m1").earned_fen == 0


# -- releases and bank instructions ----------------------------------------------------------------


def test_release_becomes_an_instruction_the_bank_confirms(api: Api, clock: Clock) -> None:
    api.onboard("m1")  # national baseline, scale issuer: 20% custody, surplus may go back (R13)
    api.sell("m1", "c1", "h1", 100_000)
    assert api.position("m1").releasable_fen == 0  # inside cooling-off everything is held (R14)
    clock.advance(days=8)
    position = api.position("m1")
    assert (position.releasable_fen, position.binding_rule, position.required_fen) == (
        80_000,
        "R13",
        20_000,
    )
    reply = api.release("m1", 30_000)
    (instruction,) = reply.instructions
    assert list(reply.result.instruction_ids) == [instruction.instruction_id]
    assert instruction.kind == pb.INSTRUCTION_KIND_ADVANCE  # nothing earned yet: ahead of use
    assert (instruction.amount_fen, instruction.status) == (30_000, pb.INSTRUCTION_STATUS_PENDING)
    position = api.position("m1")
    assert (position.custody_cash_fen, position.pending_instructions_fen) == (70_000, 30_000)
    assert [i.instruction_id for i in position.pending_instructions] == [instruction.instruction_id]
    assert position.releasable_fen == 50_000  # the held amount cannot be released twice
    done = api.bank_confirms("m1", instruction.instruction_id)
    assert done.status == pb.INSTRUCTION_STATUS_CONFIRMED and done.resolved_at_ns > 0
    position = api.position("m1")
    assert (position.custody_cash_fen, position.pending_instructions_fen) == (70_000, 0)
    assert position.advanced_fen == 30_000
    f = refused(lambda: api.bank_confirms("m1", instruction.instruction_id), "INSTRUCTION")
    assert f.metadata["instruction_status"] == "confirmed"
    f = failure(lambda: api.bank_confirms("m1", rid()))
    assert (f.code, f.reason) == (grpc.StatusCode.NOT_FOUND, "INSTRUCTION_NOT_FOUND")


def test_failed_instruction_returns_the_money_to_custody(api: Api, clock: Clock) -> None:
    api.onboard("m1")
    api.sell("m1", "c1", "h1", 100_000)
    clock.advance(days=8)
    (instruction,) = api.release("m1", 30_000).instructions
    f = failure(lambda: api.bank_fails("m1", instruction.instruction_id, "  "))
    assert (f.code, f.fields) == (grpc.StatusCode.INVALID_ARGUMENT, ["reason"])
    failed = api.bank_fails("m1", instruction.instruction_id, "payee account closed")
    assert failed.status == pb.INSTRUCTION_STATUS_FAILED
    assert failed.failure_reason == "payee account closed"
    position = api.position("m1")
    assert (position.custody_cash_fen, position.advanced_fen, position.releasable_fen) == (
        100_000,
        0,
        80_000,
    )
    listed = api.stub.ListInstructions(
        pb.ListInstructionsRequest(merchant_id="m1", status=pb.INSTRUCTION_STATUS_FAILED)
    )
    assert [i.instruction_id for i in listed.instructions] == [instruction.instruction_id]


def test_release_refusals_name_the_binding_rule_and_figures(api: Api, clock: Clock) -> None:
    api.onboard("ratio")
    api.sell("ratio", "c1", "h1", 100_000)
    api.onboard("tutor", industry="tutoring")  # per-use release, 100% custody (R10, R12)
    api.sell("tutor", "t1", "h1", 100_000, list_prices={"lesson": 10_000})
    api.redeem("tutor", "l1", "t1", 2, item="lesson", by=pb.INITIATOR_CONSUMER)
    # R14: the lesson was confirmed, but its purchase is still inside cooling-off.
    f = refused(lambda: api.release("tutor", 1), "R14")
    assert (f.metadata["r14_earned_fen"], f.metadata["r14_immature_fen"]) == ("20000", "20000")
    assert f.metadata["r14_releasable_fen"] == "0" and f.metadata["r14_requested_fen"] == "1"
    clock.advance(days=8)
    # R13: the ratio merchant may take only what is above 20% of its outstanding balance.
    f = refused(lambda: api.release("ratio", 80_001), "R13")
    assert f.metadata["r13_releasable_fen"] == "80000"
    assert (f.metadata["r13_custody_cash_fen"], f.metadata["r13_required_fen"]) == (
        "100000",
        "20000",
    )
    # R12: per use, only confirmed value may leave, and it has.
    (paid,) = api.release("tutor", 20_000).instructions
    assert paid.kind == pb.INSTRUCTION_KIND_RELEASE
    f = refused(lambda: api.release("tutor", 1), "R12")
    assert f.metadata["r12_earned_fen"] == "0"
    # R15: a defaulted merchant's releases are frozen.
    api.status("ratio", pb.MERCHANT_STATUS_WARNING)
    api.status("ratio", pb.MERCHANT_STATUS_DEFAULTED)
    f = refused(lambda: api.release("ratio", 1), "R15")
    assert f.metadata["r15_status_frozen"] == "1"
    assert f.violations[0][1] == "merchants/ratio"


def test_unconfirmed_use_keeps_its_cooling_off_money_locked(api: Api) -> None:
    """Regression: an unconfirmed use on a purchase still inside cooling-off let a ratio merchant
    release that money; the consumer's dispute then left custody short of the requirement."""
    api.onboard("m1")
    api.sell("m1", "c1", "h1", 100_000)
    api.redeem("m1", "r1", "c1", 10)  # 50,000 held until the consumer answers
    position = api.position("m1")
    assert (position.releasable_fen, position.required_fen) == (0, 100_000)
    refused(lambda: api.release("m1", 1), "R13")
    api.dispute("m1", "r1")
    position = api.position("m1")
    assert position.custody_cash_fen >= position.required_fen == 100_000


# -- refunds ---------------------------------------------------------------------------------------


def test_cooling_off_refund_returns_the_whole_principal_by_the_deadline(
    api: Api, clock: Clock
) -> None:
    api.onboard("m1")
    sale = api.sell("m1", "c1", "h1", 100_000, bonus_fen=25_000)
    reply = api.stub.RequestCoolingOffRefund(
        pb.RequestCoolingOffRefundRequest(
            request_id=rid(),
            actor="consumer",
            merchant_id="m1",
            refund_id="rf1",
            lot_id=sale.lot_id,
        )
    )
    refund = reply.refund
    assert (refund.kind, refund.amount_fen, refund.paid_in_fen) == (
        pb.REFUND_KIND_COOLING_OFF,
        100_000,
        100_000,
    )
    assert refund.due_on == (clock.today() + timedelta(days=15)).isoformat()  # R19 default
    assert refund.channel == pb.REFUND_CHANNEL_BANK_ACCOUNT and not refund.paid
    position = api.position("m1")
    assert (position.outstanding_fen, position.refund_payable_fen) == (0, 100_000)
    assert api.statement("m1", "c1").refunds[0].refund_id == "rf1"
    paid = api.pay_refund("m1", "rf1")
    assert paid.refund.paid and paid.refund.paid_from_custody_fen == 100_000
    (instruction_id,) = paid.result.instruction_ids
    instruction = api.bank_confirms("m1", instruction_id)
    assert (instruction.kind, instruction.refund_id) == (pb.INSTRUCTION_KIND_REFUND_PAID, "rf1")
    position = api.position("m1")
    assert (position.custody_cash_fen, position.refund_payable_fen) == (0, 0)
    # Outside the window: refused with the figures (R18).
    late = api.sell("m1", "c2", "h2", 10_000)
    clock.advance(days=7, hours=1)
    f = refused(
        lambda: api.stub.RequestCoolingOffRefund(
            pb.RequestCoolingOffRefundRequest(
                request_id=rid(),
                actor="consumer",
                merchant_id="m1",
                refund_id="rf2",
                lot_id=late.lot_id,
            )
        ),
        "R18",
    )
    assert (f.metadata["r18_days_since_sale"], f.metadata["r18_cooling_off_days"]) == ("7", "7")
    f = failure(
        lambda: api.stub.RequestCoolingOffRefund(
            pb.RequestCoolingOffRefundRequest(
                request_id=rid(),
                actor="consumer",
                merchant_id="m1",
                refund_id="rf3",
                lot_id="c2/not-a-lot",
            )
        )
    )
    assert (f.code, f.reason) == (grpc.StatusCode.NOT_FOUND, "LOT_NOT_FOUND")


def test_balance_refund_follows_the_r20_formula(api: Api, clock: Clock) -> None:
    api.onboard("m1")
    for card in ("c1", "c2"):  # paid 1,000, bonus 250, then 500 of face value used
        api.sell("m1", card, f"holder-{card}", 100_000, bonus_fen=25_000)
        api.redeem("m1", f"use-{card}", card, 10, by=pb.INITIATOR_CONSUMER)
    fault = api.balance_refund("m1", "rf1", "c1", pb.REFUND_REASON_MERCHANT_FAULT).refund
    assert (fault.paid_in_fen, fault.used_value_fen, fault.amount_fen) == (100_000, 40_000, 60_000)
    assert fault.reason == pb.REFUND_REASON_MERCHANT_FAULT
    assert fault.due_on == (clock.today() + timedelta(days=15)).isoformat()
    own = api.balance_refund("m1", "rf2", "c2", pb.REFUND_REASON_CONSUMER_REASON).refund
    assert (own.used_value_fen, own.amount_fen) == (50_000, 50_000)  # used value at list price
    statement = api.statement("m1", "c1")
    assert statement.card.status == pb.CARD_STATUS_REFUNDED and statement.balance_fen == 0
    assert api.position("m1").refund_payable_fen == 110_000
    f = failure(lambda: api.balance_refund("m1", "rf3", "c1", pb.REFUND_REASON_MERCHANT_FAULT))
    assert (f.code, f.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_COMMAND")
    paid = api.pay_refund("m1", "rf1").refund
    assert paid.paid and paid.paid_from_custody_fen == 60_000


def test_refund_split_with_the_merchant_is_payable_again_after_the_bank_fails_it(
    api: Api, clock: Clock
) -> None:
    """Regression: a refund paid partly from custody and partly by the merchant, whose custody
    instruction the bank then failed, could never be paid again (the whole amount was asked of
    custody a second time), and paying while the merchant's advance was still with the bank
    crashed the command."""
    api.onboard("m1")
    api.sell("m1", "c1", "h1", 100_000)
    clock.advance(days=8)
    (advance,) = api.release("m1", 80_000).instructions
    api.balance_refund("m1", "rf1", "c1", pb.REFUND_REASON_MERCHANT_FAULT)
    f = refused(lambda: api.pay_refund("m1", "rf1"), "INSTRUCTION")
    assert f.metadata["instruction_due_from_merchant_fen"] == "80000"
    api.bank_confirms("m1", advance.instruction_id)
    first = api.pay_refund("m1", "rf1")
    assert (first.refund.paid_from_custody_fen, first.refund.paid_by_merchant_fen) == (
        20_000,
        80_000,
    )
    (custody_part,) = first.result.instruction_ids
    api.bank_fails("m1", custody_part, "holder account frozen")
    assert api.position("m1").refund_payable_fen == 20_000
    again = api.pay_refund("m1", "rf1").refund
    assert (again.paid_from_custody_fen, again.paid_by_merchant_fen) == (20_000, 80_000)
    position = api.position("m1")
    assert (position.refund_payable_fen, position.custody_cash_fen) == (0, 0)


# -- cards -----------------------------------------------------------------------------------------


def test_lost_card_reissue_and_assignment(api: Api) -> None:
    api.onboard("m1")
    api.sell("m1", "c1", "h1", 100_000, bonus_fen=20_000)
    api.redeem("m1", "r1", "c1", 2, by=pb.INITIATOR_CONSUMER)
    reply = api.stub.ReissueLostCard(
        pb.ReissueLostCardRequest(
            request_id=rid(), actor="consumer", merchant_id="m1", card_id="c1", new_card_id="c1b"
        )
    )
    assert reply.moved_fen == 100_000 - 8_333 and reply.new_card.holder_id == "h1"
    old, new = api.statement("m1", "c1"), api.statement("m1", "c1b")
    assert (old.card.status, old.card.replaced_by, old.balance_fen) == (
        pb.CARD_STATUS_REPLACED,
        "c1b",
        0,
    )
    assert (new.balance_fen, new.face_open_fen) == (reply.moved_fen, 110_000)
    assert new.lots[0].list_prices == {"class": 5_000}  # the frozen schedule travels (R24)
    bearer = api.sell("m1", "b1", "h2", 10_000, registered=False)
    assert bearer.card_issued
    refused(
        lambda: api.stub.ReissueLostCard(
            pb.ReissueLostCardRequest(
                request_id=rid(),
                actor="consumer",
                merchant_id="m1",
                card_id="b1",
                new_card_id="b2",
            )
        ),
        "R23",
    )
    # Part of the face value to a friend, then the rest of the card to a relative.
    part = api.stub.AssignCard(
        pb.AssignCardRequest(
            request_id=rid(),
            actor="consumer",
            merchant_id="m1",
            card_id="c1b",
            assignee_id="friend",
            face_fen=30_000,
            new_card_id="c1-friend",
        )
    ).card
    assert (part.card_id, part.holder_id) == ("c1-friend", "friend")
    friend = api.statement("m1", "c1-friend")
    assert (friend.face_open_fen, friend.balance_fen) == (30_000, 25_000)
    whole = api.stub.AssignCard(
        pb.AssignCardRequest(
            request_id=rid(),
            actor="consumer",
            merchant_id="m1",
            card_id="c1b",
            assignee_id="relative",
        )
    ).card
    assert (whole.card_id, whole.holder_id) == ("c1b", "relative")
    assert api.statement("m1", "c1b").balance_fen == reply.moved_fen - 25_000
    f = failure(
        lambda: api.stub.AssignCard(
            pb.AssignCardRequest(
                request_id=rid(),
                actor="consumer",
                merchant_id="m1",
                card_id="c1b",
                assignee_id="x",
                face_fen=10,
            )
        )
    )
    assert (f.code, f.fields) == (grpc.StatusCode.INVALID_ARGUMENT, ["new_card_id"])


def test_expired_bearer_card_is_reactivated_not_forfeited(api: Api, clock: Clock) -> None:
    api.onboard("m1")
    api.sell("m1", "b1", "h1", 10_000, registered=False)
    expires_on = api.statement("m1", "b1").card.expires_on
    assert expires_on == (clock.today() + timedelta(days=3 * 365)).isoformat()
    clock.advance(days=3 * 365 + 2)
    refused(lambda: api.redeem("m1", "r1", "b1", 1, by=pb.INITIATOR_CONSUMER), "R16")
    card = api.stub.ReactivateCard(
        pb.ReactivateCardRequest(request_id=rid(), actor="consumer", merchant_id="m1", card_id="b1")
    ).card
    assert card.expires_on > expires_on
    assert api.redeem("m1", "r1", "b1", 1, by=pb.INITIATOR_CONSUMER).redemption.paid_value_fen > 0


# -- merchants -------------------------------------------------------------------------------------


def test_merchant_status_machine_gates_sales_and_releases(api: Api, clock: Clock) -> None:
    api.onboard("m1")
    api.sell("m1", "c1", "h1", 100_000)
    f = failure(lambda: api.status("m1", pb.MERCHANT_STATUS_DEFAULTED))
    assert (f.code, f.reason, f.metadata) == (FP, "ILLEGAL_TRANSITION", {"rule": "R27"})
    assert f.violations[0][:2] == ("R27", "merchants/m1")
    changed = api.status("m1", pb.MERCHANT_STATUS_WARNING)
    assert (changed.previous_status, changed.status) == (
        pb.MERCHANT_STATUS_NORMAL,
        pb.MERCHANT_STATUS_WARNING,
    )
    assert api.sell("m1", "c2", "h2", 1_000).card_issued  # a warning does not stop sales
    f = failure(lambda: api.status("m1", pb.MERCHANT_STATUS_CLOSING))
    assert (f.code, f.fields) == (grpc.StatusCode.INVALID_ARGUMENT, ["notice_ends_on"])
    short = (clock.today() + timedelta(days=10)).isoformat()
    f = failure(lambda: api.status("m1", pb.MERCHANT_STATUS_CLOSING, notice_ends_on=short))
    assert (f.reason, f.metadata) == ("ILLEGAL_TRANSITION", {"rule": "R28"})
    notice = (clock.today() + timedelta(days=30)).isoformat()
    api.status("m1", pb.MERCHANT_STATUS_CLOSING, notice_ends_on=notice)
    refused(lambda: api.sell("m1", "c3", "h3", 1_000), "R28")
    clock.advance(days=8)
    assert api.position("m1").releasable_fen == 0
    api.status("m1", pb.MERCHANT_STATUS_DEFAULTED)
    f = refused(lambda: api.sell("m1", "c3", "h3", 1_000), "R27")
    assert f.metadata["r27_status"] == "defaulted"
    refused(lambda: api.release("m1", 1), "R15")
    refused(lambda: api.redeem("m1", "r1", "c1", 1, by=pb.INITIATOR_CONSUMER), "R27")
    position = api.position("m1")
    assert (position.status, position.binding_rule) == (pb.MERCHANT_STATUS_DEFAULTED, "R15")
    f = failure(lambda: api.status("m1", pb.MERCHANT_STATUS_NORMAL))
    assert f.reason == "ILLEGAL_TRANSITION"


def test_credit_grade_selects_the_policy(api: Api) -> None:
    api.onboard("jl", jurisdiction="CN-JL", grade=pb.CREDIT_GRADE_A)
    position = api.position("jl")
    assert (position.policy_version, position.release_mode) == (
        "cn-jl-2025.1-a",
        pb.RELEASE_MODE_RATIO_SURPLUS,
    )
    reply = api.stub.SetCreditGrade(
        pb.SetCreditGradeRequest(
            request_id=rid(),
            actor="regulator",
            merchant_id="jl",
            credit_grade=pb.CREDIT_GRADE_C,
            evidence=["late quarterly report"],
        )
    )
    assert reply.previous_grade == pb.CREDIT_GRADE_A
    position = api.position("jl")
    assert (position.credit_grade, position.policy_version, position.release_mode) == (
        pb.CREDIT_GRADE_C,
        "cn-jl-2025.1-c",
        pb.RELEASE_MODE_PER_USE,
    )
    api.onboard("nowhere", jurisdiction="US")
    f = failure(lambda: api.sell("nowhere", "c1", "h1", 1_000))
    assert (f.code, f.reason) == (FP, "NO_POLICY")


def test_return_pledge_reimbursement(api: Api, clock: Clock) -> None:
    api.onboard("shop")

    def reimburse(return_id: str, sold_days_ago: int, amount: int) -> pb.ReimburseReturnResponse:
        now = clock()
        return _as(
            pb.ReimburseReturnResponse,
            api.stub.ReimburseReturn(
                pb.ReimburseReturnRequest(
                    request_id=rid(),
                    actor="insurer",
                    merchant_id="shop",
                    return_id=return_id,
                    sold_at_ns=now - sold_days_ago * 86_400 * 10**9,
                    returned_at_ns=now,
                    sold_store_id="s1",
                    returned_store_id="s1",
                    amount_fen=amount,
                    conditions_met=["goods_intact"],
                )
            ),
        )

    refused(lambda: reimburse("x0", 1, 1_000), "R31")  # no pledge yet
    api.stub.FundReturnCover(
        pb.FundReturnCoverRequest(
            request_id=rid(), actor="insurer", insurer_id="ins-1", amount_fen=5_000
        )
    )
    api.stub.PledgeReturns(
        pb.PledgeReturnsRequest(
            request_id=rid(),
            actor="regulator",
            merchant_id="shop",
            window_days=7,
            conditions=["goods_intact"],
            pledged_on=clock.today().isoformat(),
            insurer_id="ins-1",
            store_ids=["s1"],
        )
    )
    assert reimburse("x1", 2, 3_000).result.transfer_ids
    f = refused(lambda: reimburse("x2", 9, 1_000), "R31")
    assert f.metadata["r31_window_days"] == "7"
    f = refused(lambda: reimburse("x3", 1, 3_000), "R31")  # 2,000 of cover left
    assert f.metadata["r31_cover_left_fen"] == "2000"


# -- the gym that vanishes -------------------------------------------------------------------------

GYM_CARDS = 200
SOURCE_ORDER = [
    pb.FUNDING_SOURCE_CUSTODY_CASH,
    pb.FUNDING_SOURCE_RISK_DEPOSIT,
    pb.FUNDING_SOURCE_INSURANCE,
    pb.FUNDING_SOURCE_GUARANTEE,
    pb.FUNDING_SOURCE_COMPENSATION_POOL,
]
SOURCE_NAMES = ["custody_cash", "risk_deposit", "insurance", "guarantee", "compensation_pool"]


def test_gym_sells_200_cards_vanishes_and_every_holder_is_made_whole(
    api: Api, clock: Clock, database_url: str
) -> None:
    api.onboard("gym", jurisdiction="CN-SH", industry="fitness", pool_id="pool-sh")
    # Cover counts towards the custody requirement (R6), so the gym can take more cash out.
    api.fund(pb.FUNDING_SOURCE_RISK_DEPOSIT, "gym", 2_000_000)
    api.fund(pb.FUNDING_SOURCE_INSURANCE, "gym", 3_000_000)
    api.fund(pb.FUNDING_SOURCE_GUARANTEE, "gym", 1_000_000)
    api.fund(pb.FUNDING_SOURCE_COMPENSATION_POOL, "pool-sh", 50_000_000)
    f = failure(lambda: api.fund(pb.FUNDING_SOURCE_RISK_DEPOSIT, "ghost-gym", 1))
    assert (f.code, f.reason) == (grpc.StatusCode.NOT_FOUND, "MERCHANT_NOT_FOUND")

    cards = [f"card-{i:03d}" for i in range(GYM_CARDS)]
    holders = {card: f"member-{i % 160:03d}" for i, card in enumerate(cards)}  # 40 hold two
    paid = {card: 100_000 + (i % 5) * 10_000 for i, card in enumerate(cards)}

    def sell(card: str) -> pb.RecordSaleResponse:
        return api.sell(
            "gym",
            card,
            holders[card],
            paid[card],
            bonus_fen=paid[card] // 5,
            list_prices={"class": 15_000},
        )

    with ThreadPoolExecutor(16) as pool:  # concurrent sales share writer batches
        assert all(r.card_issued for r in pool.map(sell, cards))

    # Sessions served: 60 members confirm two classes each, 10 write off one class themselves.
    for card in cards[:60]:
        api.redeem("gym", f"use-{card}", card, 2)
        api.confirm("gym", f"use-{card}")
    for card in cards[60:70]:
        api.redeem("gym", f"own-{card}", card, 1, by=pb.INITIATOR_CONSUMER)
    clock.advance(days=8)
    position = api.position("gym")
    assert position.binding_rule == "R13" and position.releasable_fen > 0
    for instruction in api.release("gym", position.releasable_fen).instructions:
        api.bank_confirms("gym", instruction.instruction_id)
    # Five more classes recorded by the gym, never confirmed: then it vanishes.
    for card in cards[70:75]:
        api.redeem("gym", f"last-{card}", card, 1)
    api.status("gym", pb.MERCHANT_STATUS_WARNING)
    api.status("gym", pb.MERCHANT_STATUS_DEFAULTED)
    refused(lambda: api.sell("gym", "card-new", "member-999", 10_000), "R27")
    refused(lambda: api.release("gym", 1), "R15")

    settle = pb.SettleDefaultRequest(request_id=rid(), actor="regulator", merchant_id="gym")
    f = refused(lambda: api.stub.SettleDefault(settle), "R12")  # unconfirmed uses first
    assert f.metadata["r12_pending_fen"] == str(5 * 12_500)
    for card in cards[70:75]:
        api.dispute("gym", f"last-{card}")

    before = api.position("gym")
    owed = {card: api.statement("gym", card).balance_fen for card in cards}
    assert sum(owed.values()) == before.outstanding_fen  # invariant 1: cards = outstanding
    assert before.custody_cash_fen < before.outstanding_fen  # custody alone cannot pay

    # The settlement request is retried with the same id after the refusal: now accepted.
    settled = api.stub.SettleDefault(settle)
    assert settled.claimed_fen == settled.paid_fen == before.outstanding_fen
    assert not settled.outstanding  # every holder made whole
    by_source = {p.source: p.amount_fen for p in settled.paid_by_source}
    assert by_source == {
        pb.FUNDING_SOURCE_CUSTODY_CASH: before.custody_cash_fen,
        pb.FUNDING_SOURCE_RISK_DEPOSIT: 2_000_000,
        pb.FUNDING_SOURCE_INSURANCE: 3_000_000,
        pb.FUNDING_SOURCE_GUARANTEE: 1_000_000,
        pb.FUNDING_SOURCE_COMPENSATION_POOL: before.outstanding_fen
        - before.custody_cash_fen
        - 6_000_000,
    }
    assert [p.source for p in settled.paid_by_source] == SOURCE_ORDER  # waterfall order
    # A subrogated claim per third-party source, for exactly what it paid.
    opened = {c.source: c for c in settled.claims_opened}
    assert {s: c.amount_fen for s, c in opened.items()} == {
        s: a for s, a in by_source.items() if s != pb.FUNDING_SOURCE_CUSTODY_CASH
    }
    assert all(c.counterparty_role == pb.COUNTERPARTY_ROLE_MERCHANT for c in opened.values())
    assert opened[pb.FUNDING_SOURCE_COMPENSATION_POOL].source_owner_id == "pool-sh"

    # Each holder got exactly what its card held, drawn in waterfall order across holders.
    sources_seen: list[int] = []
    for card in sorted(cards, key=lambda c: (holders[c], c)):
        statement = api.statement("gym", card)
        assert statement.card.status == pb.CARD_STATUS_SETTLED_IN_DEFAULT
        assert statement.balance_fen == 0
        payouts = [e for e in statement.entries if e.kind in ("default_payout", "subrogation")]
        assert sum(e.amount_fen for e in payouts) == owed[card]
        assert all(not e.onto_card for e in payouts)
        assert all((e.kind == "default_payout") == (e.source == "custody_cash") for e in payouts)
        sources_seen += [SOURCE_NAMES.index(e.source) for e in payouts]
    assert sources_seen == sorted(sources_seen) and len(set(sources_seen)) == 5

    after = api.position("gym")
    third_party = settled.paid_fen - before.custody_cash_fen
    assert (after.custody_cash_fen, after.outstanding_fen, after.active_cards) == (0, 0, 0)
    assert after.recovery_receivable_fen == after.subrogated_liability_fen == third_party
    assert (after.risk_deposit_fen, after.insurance_cover_fen, after.guarantee_cover_fen) == (
        0,
        0,
        0,
    )
    assert sum(c.open_fen for c in after.open_claims) == third_party

    # Recovery from the merchant clears the pool's claim first, and never beyond open claims.
    recovery = pb.RecordRecoveryRequest(
        request_id=rid(),
        actor="regulator",
        merchant_id="gym",
        amount_fen=5_000_000,
        counterparty_role=pb.COUNTERPARTY_ROLE_MERCHANT,
        counterparty_id="gym",
    )
    (cleared,) = api.stub.RecordRecovery(recovery).claims
    assert (cleared.source, cleared.recovered_fen) == (
        pb.FUNDING_SOURCE_COMPENSATION_POOL,
        5_000_000,
    )
    after_recovery = api.position("gym")
    assert after_recovery.recovery_receivable_fen == third_party - 5_000_000
    assert after_recovery.subrogated_liability_fen == third_party - 5_000_000
    f = refused(
        lambda: api.stub.RecordRecovery(
            pb.RecordRecoveryRequest(
                request_id=rid(),
                actor="regulator",
                merchant_id="gym",
                amount_fen=third_party,
                counterparty_role=pb.COUNTERPARTY_ROLE_MERCHANT,
                counterparty_id="gym",
            )
        ),
        "R29",
    )
    assert f.metadata["r29_open_claims_fen"] == str(third_party - 5_000_000)
    check_invariants(database_url)


def test_default_with_too_little_cover_shares_pro_rata_and_lists_outstanding(
    api: Api, clock: Clock, database_url: str
) -> None:
    api.onboard("m1")
    api.sell("m1", "c1", "a", 30_000)
    api.sell("m1", "c2", "b", 70_000)
    clock.advance(days=8)
    for instruction in api.release("m1", 80_000).instructions:
        api.bank_confirms("m1", instruction.instruction_id)
    api.status("m1", pb.MERCHANT_STATUS_WARNING)
    api.status("m1", pb.MERCHANT_STATUS_DEFAULTED)
    settled = api.stub.SettleDefault(
        pb.SettleDefaultRequest(request_id=rid(), actor="regulator", merchant_id="m1")
    )
    assert (settled.claimed_fen, settled.paid_fen) == (100_000, 20_000)
    assert [(o.ref, o.claim_fen, o.paid_fen) for o in settled.outstanding] == [
        ("c1", 30_000, 6_000),
        ("c2", 70_000, 14_000),
    ]
    assert not settled.claims_opened  # custody cash only: nobody to be subrogated
    assert api.statement("m1", "c1").balance_fen == 24_000
    check_invariants(database_url)


# -- idempotency and errors ------------------------------------------------------------------------


def test_replay_returns_the_stored_result_and_reuse_is_already_exists(
    api: Api, clock: Clock, database_url: str
) -> None:
    api.onboard("m1")
    sale = api.sale_request("m1", "c1", "h1", 100_000)
    first = api.stub.RecordSale(sale)
    size = _journal_size(database_url)
    again = api.stub.RecordSale(sale)
    assert again.result.replayed and not first.result.replayed
    assert list(again.result.transfer_ids) == list(first.result.transfer_ids)
    assert (again.lot_id, again.card_issued) == (first.lot_id, True)
    assert _journal_size(database_url) == size
    assert api.statement("m1", "c1").balance_fen == 100_000
    other = pb.RecordSaleRequest()
    other.CopyFrom(sale)
    other.paid_fen = 100_001
    f = failure(lambda: api.stub.RecordSale(other))
    assert (f.code, f.reason) == (grpc.StatusCode.ALREADY_EXISTS, "REQUEST_ID_REUSED")
    assert f.metadata == {"request_id": sale.request_id}
    # Another kind of request under a used id conflicts too.
    f = failure(
        lambda: api.stub.RequestRelease(
            pb.RequestReleaseRequest(
                request_id=sale.request_id, actor="m", merchant_id="m1", amount_fen=1
            )
        )
    )
    assert f.reason == "REQUEST_ID_REUSED"
    # A replayed release answers with the instructions it gave, read back from the database.
    clock.advance(days=8)
    release = pb.RequestReleaseRequest(
        request_id=rid(), actor="merchant", merchant_id="m1", amount_fen=10_000
    )
    given = api.stub.RequestRelease(release)
    replay = api.stub.RequestRelease(release)
    assert replay.result.replayed
    assert list(replay.result.instruction_ids) == list(given.result.instruction_ids)
    assert [i.instruction_id for i in replay.instructions] == list(given.result.instruction_ids)
    assert api.position("m1").pending_instructions_fen == 10_000
    # Only an accepted command is stored as done: a refused one may be retried once allowed.
    top_up = api.sale_request("m1", "c1", "h1", 450_000)
    refused(lambda: api.stub.RecordSale(top_up), "R16")
    api.balance_refund("m1", "rf1", "c1", pb.REFUND_REASON_CONSUMER_REASON)
    with pytest.raises(grpc.RpcError):
        api.stub.RecordSale(top_up)  # the card is refunded now: invalid, still not stored


def test_a_stopped_writer_answers_unavailable(api: Api, server: Running) -> None:
    api.onboard("m1")
    server.writer.stop()
    f = failure(lambda: api.sell("m1", "c1", "h1", 1_000))
    assert (f.code, f.reason) == (grpc.StatusCode.UNAVAILABLE, "WRITER_STOPPING")
    assert api.position("m1").outstanding_fen == 0  # reads do not need the writer


def test_malformed_requests_name_every_bad_field(api: Api) -> None:
    f = failure(
        lambda: api.stub.RecordSale(
            pb.RecordSaleRequest(
                request_id="not-a-uuid",
                actor=" ",
                merchant_id="m 1",
                card_id="",
                holder_id="h" * 65,
                kind=99,  # type: ignore[arg-type]
                paid_fen=-5,
                bonus_fen=-1,
                list_prices={"": 10, "ok": 0},
                term_starts_on="2025-13-01",
            )
        )
    )
    assert (f.code, f.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "MALFORMED_REQUEST")
    assert f.fields == [
        "request_id",
        "actor",
        "merchant_id",
        "card_id",
        "holder_id",
        "kind",
        "paid_fen",
        "bonus_fen",
        "list_prices['']",
        "list_prices['ok']",
        "term_starts_on",
    ]
    f = failure(
        lambda: api.stub.RequestRelease(
            pb.RequestReleaseRequest(
                request_id="00000000-0000-0000-0000-000000000000", actor="m", merchant_id="m1"
            )
        )
    )
    assert f.fields == ["request_id", "amount_fen"]
    f = failure(
        lambda: api.stub.FundCompensation(
            pb.FundCompensationRequest(
                request_id=rid(),
                actor="r",
                source=pb.FUNDING_SOURCE_CUSTODY_CASH,
                owner_id="m1",
                amount_fen=1,
            )
        )
    )
    assert f.fields == ["source"]
    f = failure(lambda: api.stub.ListDecisions(pb.ListDecisionsRequest(page_token="garbage!")))
    assert f.fields == ["page_token"]
    f = failure(lambda: api.position(""))
    assert f.fields == ["merchant_id"]


def test_unknown_resources_are_not_found(api: Api) -> None:
    f = failure(lambda: api.sell("ghost", "c1", "h1", 1_000))
    assert (f.code, f.reason, f.metadata) == (
        grpc.StatusCode.NOT_FOUND,
        "MERCHANT_NOT_FOUND",
        {"merchant_id": "ghost"},
    )
    f = failure(lambda: api.position("ghost"))
    assert (f.code, f.reason) == (grpc.StatusCode.NOT_FOUND, "MERCHANT_NOT_FOUND")
    api.onboard("m1")
    f = failure(lambda: api.redeem("m1", "r1", "no-card", 1))
    assert (f.code, f.reason, f.metadata) == (
        grpc.StatusCode.NOT_FOUND,
        "CARD_NOT_FOUND",
        {"card_id": "no-card"},
    )
    f = failure(lambda: api.statement("m1", "no-card"))
    assert f.reason == "CARD_NOT_FOUND"
    f = failure(lambda: api.pay_refund("m1", "no-refund"))
    assert f.reason == "REFUND_NOT_FOUND"
    f = failure(lambda: api.onboard("m1"))
    assert (f.code, f.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_COMMAND")


def test_decisions_and_instructions_are_listed_page_by_page(api: Api, clock: Clock) -> None:
    api.onboard("m1")
    api.onboard("m2")
    for n in range(3):
        api.sell("m1", f"c{n}", "h1", 10_000)
    refused(lambda: api.sell("m1", "c9", "h1", 600_000), "R16")
    api.sell("m2", "x", "h2", 10_000)
    clock.advance(days=8)
    given = [api.release("m1", 1_000).instructions[0].instruction_id for _ in range(3)]
    api.bank_confirms("m1", given[1])

    decisions: list[pb.Decision] = []
    token = ""
    while True:
        page = api.stub.ListDecisions(
            pb.ListDecisionsRequest(merchant_id="m1", page_size=2, page_token=token)
        )
        assert len(page.decisions) <= 2
        decisions += page.decisions
        token = page.next_page_token
        if not token:
            break
    assert [d.command_type for d in decisions] == [
        "OnboardMerchant",
        "Sell",
        "Sell",
        "Sell",
        "Sell",
        "Release",
        "Release",
        "Release",
        "ConfirmInstruction",
    ]
    rejected = decisions[4]
    assert not rejected.accepted and rejected.refusals[0].rule == "R16"
    assert rejected.refusals[0].figures["cap_fen"] == "500000"
    assert all(d.actor for d in decisions) and decisions[1].policy_version == "cn-baseline-2016.1"
    assert all(d.merchant_id == "m1" for d in decisions)
    everyone = api.stub.ListDecisions(pb.ListDecisionsRequest(page_size=1000)).decisions
    assert len(everyone) == len(decisions) + 2
    f = failure(
        lambda: api.stub.ListDecisions(
            pb.ListDecisionsRequest(merchant_id="m2", page_token=page_token_of_m1(api))
        )
    )
    assert f.fields == ["page_token"]

    first = api.stub.ListInstructions(pb.ListInstructionsRequest(merchant_id="m1", page_size=2))
    rest = api.stub.ListInstructions(
        pb.ListInstructionsRequest(merchant_id="m1", page_size=2, page_token=first.next_page_token)
    )
    assert [i.instruction_id for i in [*first.instructions, *rest.instructions]] == given
    assert not rest.next_page_token
    pending = api.stub.ListInstructions(
        pb.ListInstructionsRequest(merchant_id="m1", status=pb.INSTRUCTION_STATUS_PENDING)
    )
    assert [i.instruction_id for i in pending.instructions] == [given[0], given[2]]


def page_token_of_m1(api: Api) -> str:
    return _as(
        pb.ListDecisionsResponse,
        api.stub.ListDecisions(pb.ListDecisionsRequest(merchant_id="m1", page_size=1)),
    ).next_page_token
