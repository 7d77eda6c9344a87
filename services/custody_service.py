"""The CustodyService servicer: validate, submit the command to the single writer, map the outcome.

Commands go through the writer (`submit_command`), which decides them with the custody rules on
the merchant's current book and commits the transfers they permit in the same transaction.
Reads go to the database (one REPEATABLE READ snapshot per call), never through the writer.

Outcome mapping (see custody.proto for the reasons):
- accepted -> OK with a CommandResult (a retry of a stored command: `replayed`, nothing changes);
- refused by a rule -> FAILED_PRECONDITION, CUSTODY_RULE_REFUSED, PreconditionFailure per rule;
- InvalidCommand -> NOT_FOUND when a resource the request names does not exist, otherwise
  INVALID_ARGUMENT, INVALID_COMMAND;
- IllegalTransition -> FAILED_PRECONDITION, ILLEGAL_TRANSITION; PolicyNotFound -> NO_POLICY;
- CommandConflict -> ALREADY_EXISTS, REQUEST_ID_REUSED; WriterUnavailable -> UNAVAILABLE.

No authentication yet: `actor` is taken on trust and stored with each decision.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn, Protocol, TypeVar
from uuid import UUID

import grpc
import psycopg
from google.rpc import code_pb2
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError as SAOperationalError

from fangxin.v1 import custody_pb2 as pb
from fangxin.v1 import custody_pb2_grpc
from ledger.custody import codec
from ledger.custody.accounts import AccountKind, account_id
from ledger.custody.book import MerchantBook
from ledger.custody.decision import CustodyError, InvalidCommand
from ledger.custody.dispatch import GradeChange, Instruction, InstructionStatus
from ledger.custody.instruments import Lot, Merchant, PrepaidInstrument, Redemption
from ledger.custody.kinds import FundingSource
from ledger.custody.merchant_status import IllegalTransition, StatusChange
from ledger.custody.policy import CustodyPolicy, PolicyAmbiguous, PolicyBook, PolicyNotFound
from ledger.custody.refunds import RefundRecord
from ledger.custody.rules import releasable, required_custody_fen
from ledger.custody.settlement import OutstandingClaim, RecoveryClaim, SettlementRecord
from ledger.model import TransferFlags
from ledger.pg.custody_store import (
    BookCache,
    CommandConflict,
    CustodyOutcome,
    load_accounts_for,
    ns_to_datetime,
)
from ledger.pg.writer import WriterUnavailable
from services import custody_convert as cv
from services import errors, pagination
from services.errors import InvalidArgument

_log = logging.getLogger(__name__)
Context = grpc.ServicerContext
Connection = psycopg.Connection[tuple[Any, ...]]
T = TypeVar("T")
POSITION_INSTRUCTIONS_MAX = 100
STATEMENT_ENTRIES_MAX = 1000
_ENTRY_PHASE = {
    int(TransferFlags.PENDING): pb.ENTRY_PHASE_HOLD,
    int(TransferFlags.POST_PENDING): pb.ENTRY_PHASE_POST,
    int(TransferFlags.VOID_PENDING): pb.ENTRY_PHASE_VOID,
}
_PHASE_FLAGS = int(TransferFlags.PENDING | TransferFlags.POST_PENDING | TransferFlags.VOID_PENDING)


class CommandWriter(Protocol):
    """The single writer's command entry point (ledger.pg.writer.Writer)."""

    def submit_command(self, command: object) -> Any: ...


@dataclass(frozen=True, slots=True)
class _Done:
    """An accepted command: its outcome and the records it wrote (read back for a replay)."""

    outcome: CustodyOutcome
    records: tuple[object, ...]

    def first(self, cls: type[T]) -> T | None:
        return next((r for r in self.records if isinstance(r, cls)), None)

    def all(self, cls: type[T]) -> list[T]:
        return [r for r in self.records if isinstance(r, cls)]

    def result(self) -> pb.CommandResult:
        o = self.outcome
        created = [i for i in self.all(Instruction) if i.command_id == o.command_id]
        return pb.CommandResult(
            request_id=str(o.command_id),
            accepted=True,
            policy_version=o.policy_version,
            transfer_ids=[str(t) for t in o.transfer_ids],
            instruction_ids=[str(i.transfer_id) for i in created],
            replayed=o.replayed,
        )


def _validated(context: Context, parse: Callable[[], T]) -> T:
    try:
        return parse()
    except InvalidArgument as exc:
        errors.abort_invalid_argument(context, exc.violations)


class CustodyServicer(custody_pb2_grpc.CustodyServiceServicer):
    """fangxin.v1.CustodyService over the single writer (commands) and the database (reads)."""

    def __init__(
        self,
        writer: CommandWriter,
        engine: Engine,
        policies: PolicyBook,
        clock: Callable[[], int],
    ) -> None:
        self._writer = writer
        self._engine = engine
        self._policies = policies
        self._by_version = {p.version: p for p in policies.policies}
        self._clock = clock
        self._books = BookCache()

    # -- plumbing ---------------------------------------------------------------------------------

    def _read(self, context: Context, work: Callable[[Connection], T]) -> T:
        """Runs `work` on one consistent snapshot of the database."""
        try:
            with self._engine.connect().execution_options(
                isolation_level="REPEATABLE READ"
            ) as conn:
                raw: Connection = conn.connection.driver_connection  # type: ignore[assignment]
                return work(raw)
        except (psycopg.OperationalError, SAOperationalError) as exc:
            _log.warning("custody read failed: %s", exc)
            errors.abort_unavailable(
                context, "STORE_UNAVAILABLE", "the ledger's database is unavailable; retry later"
            )

    def _now(self) -> datetime:
        return ns_to_datetime(self._clock())

    def _submit(self, context: Context, parsed: cv.Parsed) -> _Done:
        env = parsed.envelope
        try:
            outcome = self._writer.submit_command(env)
        except WriterUnavailable as exc:
            errors.abort_unavailable(context, exc.reason, exc.message)
        except CommandConflict:
            errors.abort(
                context,
                code_pb2.ALREADY_EXISTS,
                "REQUEST_ID_REUSED",
                f"request_id {env.command_id} was already used for a different request",
                metadata={"request_id": str(env.command_id)},
            )
        except IllegalTransition as exc:
            errors.abort_failed_precondition(
                context,
                "ILLEGAL_TRANSITION",
                str(exc),
                [(exc.rule, parsed.subject, str(exc))],
                metadata={"rule": exc.rule},
            )
        except PolicyNotFound as exc:
            errors.abort_failed_precondition(context, "NO_POLICY", str(exc))
        except PolicyAmbiguous as exc:
            errors.abort_failed_precondition(context, "POLICY_AMBIGUOUS", str(exc))
        except InvalidCommand as exc:
            self._invalid(context, parsed, exc)
        except CustodyError as exc:
            errors.abort_failed_precondition(context, "CUSTODY_ERROR", str(exc))
        except Exception:  # a broken assertion in the rules or the adapter: a bug to report
            _log.exception("custody command %s failed", env.command_id)
            errors.abort(
                context,
                code_pb2.INTERNAL,
                "INTERNAL_ERROR",
                "the custody command failed inside the ledger",
                metadata={"request_id": str(env.command_id)},
            )
        assert isinstance(outcome, CustodyOutcome), outcome
        if not outcome.accepted:
            refusals = outcome.refusals
            errors.abort_failed_precondition(
                context,
                "CUSTODY_RULE_REFUSED",
                "; ".join(f"{r.rule}: {cv.refusal_text(r)}" for r in refusals),
                [(r.rule, parsed.subject, cv.refusal_text(r)) for r in refusals],
                metadata=cv.refusal_metadata(refusals),
            )
        records = outcome.records
        if outcome.replayed and not records:
            records = self._read(context, lambda c: _records_of(c, env.merchant_id, env.command_id))
        return _Done(outcome, records)

    def _invalid(self, context: Context, parsed: cv.Parsed, exc: InvalidCommand) -> NoReturn:
        """NOT_FOUND if a resource the request names is missing, else INVALID_COMMAND."""
        merchant_id = parsed.envelope.merchant_id
        for ref in parsed.refs:
            owner = ref.record_id if ref.record_type == "Merchant" else merchant_id
            if not self._exists(context, owner, ref):
                errors.abort_not_found(
                    context,
                    ref.reason,
                    f"{ref.field} {ref.record_id!r} does not exist",
                    metadata={ref.field: ref.record_id},
                )
        errors.abort(
            context,
            code_pb2.INVALID_ARGUMENT,
            "INVALID_COMMAND",
            str(exc),
            metadata={"command": type(parsed.envelope.command).__name__},
        )

    def _exists(self, context: Context, merchant_id: str, ref: cv.Ref) -> bool:
        return self._read(context, lambda c: _exists(c, merchant_id, ref))

    def _hold_hours(self, version: str, book: MerchantBook | None = None) -> int:
        policy = self._by_version.get(version)
        if policy is None and book is not None:
            policy = self._policy_now(book)
        return 0 if policy is None else policy.redemption_hold_timeout_hours

    def _policy_now(self, book: MerchantBook) -> CustodyPolicy | None:
        m = book.merchant
        try:
            return self._policies.resolve(
                m.jurisdiction, m.industry, m.credit_grade, self._now().date()
            )
        except CustodyError:
            return None

    # -- banks ------------------------------------------------------------------------------------

    def RecordSale(self, request: pb.RecordSaleRequest, context: Context) -> pb.RecordSaleResponse:
        done = self._submit(context, _validated(context, lambda: cv.record_sale(request)))
        lot = done.first(Lot)
        return pb.RecordSaleResponse(
            result=done.result(),
            lot_id="" if lot is None else lot.lot_id,
            card_issued=done.first(PrepaidInstrument) is not None,
        )

    def ConfirmInstruction(
        self, request: pb.ConfirmInstructionRequest, context: Context
    ) -> pb.ConfirmInstructionResponse:
        done = self._submit(context, _validated(context, lambda: cv.confirm_instruction(request)))
        return pb.ConfirmInstructionResponse(
            result=done.result(), instruction=_instruction(done.first(Instruction))
        )

    def FailInstruction(
        self, request: pb.FailInstructionRequest, context: Context
    ) -> pb.FailInstructionResponse:
        done = self._submit(context, _validated(context, lambda: cv.fail_instruction(request)))
        return pb.FailInstructionResponse(
            result=done.result(), instruction=_instruction(done.first(Instruction))
        )

    # -- merchants --------------------------------------------------------------------------------

    def RecordRedemption(
        self, request: pb.RecordRedemptionRequest, context: Context
    ) -> pb.RecordRedemptionResponse:
        done = self._submit(context, _validated(context, lambda: cv.record_redemption(request)))
        return pb.RecordRedemptionResponse(
            result=done.result(),
            redemption=self._redemption(done.first(Redemption), done.outcome.policy_version),
        )

    def RequestRelease(
        self, request: pb.RequestReleaseRequest, context: Context
    ) -> pb.RequestReleaseResponse:
        done = self._submit(context, _validated(context, lambda: cv.request_release(request)))
        return pb.RequestReleaseResponse(
            result=done.result(),
            instructions=[cv.instruction_to_proto(i) for i in done.all(Instruction)],
        )

    def GetMerchantPosition(
        self, request: pb.GetMerchantPositionRequest, context: Context
    ) -> pb.GetMerchantPositionResponse:
        merchant_id = _validated(context, lambda: _merchant_id(request.merchant_id))
        book = self._read(context, lambda c: self._books.book(c, merchant_id))
        if book is None:
            _merchant_not_found(context, merchant_id)
        now_ns = self._clock()
        now = ns_to_datetime(now_ns)
        m = book.merchant
        try:
            policy = self._policies.resolve(m.jurisdiction, m.industry, m.credit_grade, now.date())
        except PolicyNotFound as exc:
            errors.abort_failed_precondition(context, "NO_POLICY", str(exc))
        except PolicyAmbiguous as exc:
            errors.abort_failed_precondition(context, "POLICY_AMBIGUOUS", str(exc))
        assessment = releasable(book, policy, now)
        cash = book.accounts.get(account_id(AccountKind.CUSTODY_CASH, m.merchant_id))
        pending = sorted(
            (
                r
                for r in book.records.values()
                if isinstance(r, Instruction) and r.status == InstructionStatus.PENDING
            ),
            key=lambda r: (r.created_at, r.record_id),
        )
        claims = sorted(
            (r for r in book.records.values() if isinstance(r, RecoveryClaim) and r.open_fen),
            key=lambda c: (c.opened_at, c.record_id),
        )
        active = book.active_instruments()
        return pb.GetMerchantPositionResponse(
            merchant_id=m.merchant_id,
            status=cv.MERCHANT_STATUS.to_proto(m.status),
            credit_grade=cv.CREDIT_GRADE.to_proto(m.credit_grade),
            policy_version=policy.version,
            release_mode=cv.RELEASE_MODE.to_proto(policy.release_mode),
            custody_cash_fen=book.balance(AccountKind.CUSTODY_CASH),
            pending_instructions_fen=0 if cash is None else cash.credits_pending,
            releasable_fen=assessment.amount_fen,
            binding_rule=assessment.binding_rule,
            release_figures=assessment.figures,
            outstanding_fen=book.outstanding_fen(),
            unconfirmed_uses_fen=sum(book.card_pending_fen(i.instrument_id) for i in active),
            required_fen=required_custody_fen(book, policy, now),
            earned_fen=book.balance(AccountKind.MERCHANT_EARNED),
            advanced_fen=book.balance(AccountKind.MERCHANT_RELEASED),
            refund_payable_fen=book.balance(AccountKind.CONSUMER_REFUND_PAYABLE),
            risk_deposit_fen=book.balance(AccountKind.RISK_DEPOSIT),
            insurance_cover_fen=book.balance(AccountKind.INSURANCE_COVER),
            guarantee_cover_fen=book.balance(AccountKind.GUARANTEE_COVER),
            recovery_receivable_fen=book.balance(AccountKind.RECOVERY_RECEIVABLE),
            subrogated_liability_fen=book.balance(AccountKind.SUBROGATED_LIABILITY),
            active_cards=len(active),
            pending_instructions=[
                cv.instruction_to_proto(i) for i in pending[:POSITION_INSTRUCTIONS_MAX]
            ],
            open_claims=[cv.claim_to_proto(c) for c in claims],
            as_of_ns=now_ns,
        )

    def ListInstructions(
        self, request: pb.ListInstructionsRequest, context: Context
    ) -> pb.ListInstructionsResponse:
        filter_fields: pagination.FilterFields = {
            "method": "ListInstructions",
            "merchant_id": request.merchant_id,
            "status": request.status,
        }

        def parse() -> tuple[InstructionStatus | None, int, int]:
            c = cv.Check()
            c.ident(request.merchant_id, "merchant_id", required=False)
            status = None
            if request.status:
                status = c.enum(request.status, cv.INSTRUCTION_STATUS, "status")
            size = _gather(c, lambda: pagination.page_size(request.page_size))
            after = _gather(
                c, lambda: pagination.decode_page_token(request.page_token, filter_fields)
            )
            c.done()
            assert size is not None and after is not None
            return status, size, after

        status, size, after = _validated(context, parse)
        rows = self._read(
            context,
            lambda c: _instruction_rows(c, request.merchant_id, status, after, size + 1),
        )
        token = ""
        if len(rows) > size:
            rows = rows[:size]
            token = pagination.encode_page_token(rows[-1][0], filter_fields)
        return pb.ListInstructionsResponse(
            instructions=[cv.instruction_to_proto(i) for _, i in rows], next_page_token=token
        )

    # -- consumers --------------------------------------------------------------------------------

    def ConfirmRedemption(
        self, request: pb.ConfirmRedemptionRequest, context: Context
    ) -> pb.ConfirmRedemptionResponse:
        done = self._submit(context, _validated(context, lambda: cv.confirm_redemption(request)))
        return pb.ConfirmRedemptionResponse(
            result=done.result(), redemption=self._redemption(done.first(Redemption), "")
        )

    def DisputeRedemption(
        self, request: pb.DisputeRedemptionRequest, context: Context
    ) -> pb.DisputeRedemptionResponse:
        done = self._submit(context, _validated(context, lambda: cv.dispute_redemption(request)))
        return pb.DisputeRedemptionResponse(
            result=done.result(), redemption=self._redemption(done.first(Redemption), "")
        )

    def RequestCoolingOffRefund(
        self, request: pb.RequestCoolingOffRefundRequest, context: Context
    ) -> pb.RequestCoolingOffRefundResponse:
        done = self._submit(
            context, _validated(context, lambda: cv.request_cooling_off_refund(request))
        )
        return pb.RequestCoolingOffRefundResponse(
            result=done.result(), refund=_refund(done.first(RefundRecord))
        )

    def RequestBalanceRefund(
        self, request: pb.RequestBalanceRefundRequest, context: Context
    ) -> pb.RequestBalanceRefundResponse:
        done = self._submit(
            context, _validated(context, lambda: cv.request_balance_refund(request))
        )
        return pb.RequestBalanceRefundResponse(
            result=done.result(), refund=_refund(done.first(RefundRecord))
        )

    def ReissueLostCard(
        self, request: pb.ReissueLostCardRequest, context: Context
    ) -> pb.ReissueLostCardResponse:
        done = self._submit(context, _validated(context, lambda: cv.reissue_lost_card(request)))
        new = next(
            (i for i in done.all(PrepaidInstrument) if i.instrument_id == request.new_card_id),
            None,
        )
        return pb.ReissueLostCardResponse(
            result=done.result(),
            new_card=None if new is None else cv.card_to_proto(new),
            moved_fen=sum(lot.paid_open_fen for lot in done.all(Lot)),
        )

    def AssignCard(self, request: pb.AssignCardRequest, context: Context) -> pb.AssignCardResponse:
        done = self._submit(context, _validated(context, lambda: cv.assign_card(request)))
        card = next(
            (i for i in done.all(PrepaidInstrument) if i.holder_id == request.assignee_id), None
        )
        return pb.AssignCardResponse(
            result=done.result(), card=None if card is None else cv.card_to_proto(card)
        )

    def ReactivateCard(
        self, request: pb.ReactivateCardRequest, context: Context
    ) -> pb.ReactivateCardResponse:
        done = self._submit(context, _validated(context, lambda: cv.reactivate_card(request)))
        card = done.first(PrepaidInstrument)
        return pb.ReactivateCardResponse(
            result=done.result(), card=None if card is None else cv.card_to_proto(card)
        )

    def GetCardStatement(
        self, request: pb.GetCardStatementRequest, context: Context
    ) -> pb.GetCardStatementResponse:
        def parse() -> tuple[str, str]:
            c = cv.Check()
            mid = c.ident(request.merchant_id, "merchant_id")
            card = c.ident(request.card_id, "card_id")
            c.done()
            return mid, card

        merchant_id, card_id = _validated(context, parse)

        def read(c: Connection) -> tuple[MerchantBook | None, list[pb.CardEntry]]:
            book = _card_book(c, merchant_id, card_id)
            if book is None or book.instrument(card_id) is None:
                return book, []
            return book, _card_entries(c, card_id)

        book, entries = self._read(context, read)
        if book is None:
            _merchant_not_found(context, merchant_id)
        inst = book.instrument(card_id)
        if inst is None:
            errors.abort_not_found(
                context,
                "CARD_NOT_FOUND",
                f"card_id {card_id!r} does not exist",
                metadata={"card_id": card_id},
            )
        lots = book.lots_of(card_id)
        hours = self._hold_hours("", book)
        refunds = sorted(
            (
                r
                for r in book.records.values()
                if isinstance(r, RefundRecord) and r.instrument_id == card_id
            ),
            key=lambda r: (r.requested_at, r.record_id),
        )
        return pb.GetCardStatementResponse(
            card=cv.card_to_proto(inst),
            balance_fen=book.card_balance(card_id) + book.card_pending_fen(card_id),
            held_fen=book.card_pending_fen(card_id),
            face_open_fen=sum(lot.face_open_fen for lot in lots),
            sessions_open=sum(
                lot.sessions - lot.sessions_used for lot in lots if not lot.refunded_fen
            ),
            lots=[cv.lot_to_proto(lot) for lot in lots],
            redemptions=[cv.redemption_to_proto(r, hours) for r in book.redemptions_of(card_id)],
            refunds=[cv.refund_to_proto(r) for r in refunds],
            entries=entries,
        )

    # -- regulators -------------------------------------------------------------------------------

    def OnboardMerchant(
        self, request: pb.OnboardMerchantRequest, context: Context
    ) -> pb.OnboardMerchantResponse:
        done = self._submit(context, _validated(context, lambda: cv.onboard_merchant(request)))
        return pb.OnboardMerchantResponse(result=done.result())

    def ChangeMerchantStatus(
        self, request: pb.ChangeMerchantStatusRequest, context: Context
    ) -> pb.ChangeMerchantStatusResponse:
        done = self._submit(
            context, _validated(context, lambda: cv.change_merchant_status(request))
        )
        change = done.first(StatusChange)
        response = pb.ChangeMerchantStatusResponse(result=done.result())
        if change is not None:
            response.previous_status = cv.MERCHANT_STATUS.to_proto(change.from_status)
            response.status = cv.MERCHANT_STATUS.to_proto(change.to_status)
        return response

    def SetCreditGrade(
        self, request: pb.SetCreditGradeRequest, context: Context
    ) -> pb.SetCreditGradeResponse:
        done = self._submit(context, _validated(context, lambda: cv.set_credit_grade(request)))
        change = done.first(GradeChange)
        response = pb.SetCreditGradeResponse(result=done.result())
        if change is not None:
            response.previous_grade = cv.CREDIT_GRADE.to_proto(change.from_grade)
        return response

    def SettleDefault(
        self, request: pb.SettleDefaultRequest, context: Context
    ) -> pb.SettleDefaultResponse:
        done = self._submit(context, _validated(context, lambda: cv.settle_default(request)))
        summary = done.first(SettlementRecord)
        response = pb.SettleDefaultResponse(
            result=done.result(),
            claims_opened=[cv.claim_to_proto(c) for c in done.all(RecoveryClaim)],
            outstanding=[cv.outstanding_to_proto(c) for c in done.all(OutstandingClaim)],
        )
        if summary is not None:
            response.claimed_fen = summary.claimed_fen
            response.paid_fen = summary.paid_fen
            response.paid_by_source.extend(
                pb.SourcePayout(source=cv.FUNDING_SOURCE.to_proto(s), amount_fen=amount)
                for s in FundingSource
                if (amount := summary.paid_by_source_fen.get(s.value, 0))
            )
        return response

    def FundCompensation(
        self, request: pb.FundCompensationRequest, context: Context
    ) -> pb.FundCompensationResponse:
        parsed = _validated(context, lambda: cv.fund_compensation(request))
        for ref in parsed.refs:  # a merchant's own deposit or cover: the merchant must exist
            if not self._exists(context, ref.record_id, ref):
                _merchant_not_found(context, ref.record_id, field=ref.field)
        done = self._submit(context, parsed)
        return pb.FundCompensationResponse(result=done.result())

    def FundReturnCover(
        self, request: pb.FundReturnCoverRequest, context: Context
    ) -> pb.FundReturnCoverResponse:
        done = self._submit(context, _validated(context, lambda: cv.fund_return_cover(request)))
        return pb.FundReturnCoverResponse(result=done.result())

    def RecordRecovery(
        self, request: pb.RecordRecoveryRequest, context: Context
    ) -> pb.RecordRecoveryResponse:
        done = self._submit(context, _validated(context, lambda: cv.record_recovery(request)))
        return pb.RecordRecoveryResponse(
            result=done.result(), claims=[cv.claim_to_proto(c) for c in done.all(RecoveryClaim)]
        )

    def PledgeReturns(
        self, request: pb.PledgeReturnsRequest, context: Context
    ) -> pb.PledgeReturnsResponse:
        done = self._submit(context, _validated(context, lambda: cv.pledge_returns(request)))
        return pb.PledgeReturnsResponse(result=done.result())

    def ReimburseReturn(
        self, request: pb.ReimburseReturnRequest, context: Context
    ) -> pb.ReimburseReturnResponse:
        done = self._submit(context, _validated(context, lambda: cv.reimburse_return(request)))
        return pb.ReimburseReturnResponse(result=done.result())

    def ListDecisions(
        self, request: pb.ListDecisionsRequest, context: Context
    ) -> pb.ListDecisionsResponse:
        filter_fields: pagination.FilterFields = {
            "method": "ListDecisions",
            "merchant_id": request.merchant_id,
        }

        def parse() -> tuple[int, int]:
            c = cv.Check()
            c.ident(request.merchant_id, "merchant_id", required=False)
            size = _gather(c, lambda: pagination.page_size(request.page_size))
            after = _gather(
                c, lambda: pagination.decode_page_token(request.page_token, filter_fields)
            )
            c.done()
            assert size is not None and after is not None
            return size, after

        size, after = _validated(context, parse)
        rows = self._read(
            context, lambda c: _decision_rows(c, request.merchant_id, after, size + 1)
        )
        token = ""
        if len(rows) > size:
            rows = rows[:size]
            token = pagination.encode_page_token(rows[-1][0], filter_fields)
        return pb.ListDecisionsResponse(decisions=[d for _, d in rows], next_page_token=token)

    def PayRefund(self, request: pb.PayRefundRequest, context: Context) -> pb.PayRefundResponse:
        done = self._submit(context, _validated(context, lambda: cv.pay_refund(request)))
        return pb.PayRefundResponse(result=done.result(), refund=_refund(done.first(RefundRecord)))

    # -- helpers ----------------------------------------------------------------------------------

    def _redemption(self, r: Redemption | None, version: str) -> pb.Redemption | None:
        if r is None:
            return None
        return cv.redemption_to_proto(r, self._hold_hours(version))


# -- reads -----------------------------------------------------------------------------------------


def _gather(check: cv.Check, parse: Callable[[], T]) -> T | None:
    try:
        return parse()
    except InvalidArgument as exc:
        for field, description in exc.violations:
            check.add(field, description)
        return None


def _merchant_id(text: str) -> str:
    c = cv.Check()
    c.ident(text, "merchant_id")
    c.done()
    return text


def _merchant_not_found(context: Context, merchant_id: str, field: str = "merchant_id") -> NoReturn:
    errors.abort_not_found(
        context,
        "MERCHANT_NOT_FOUND",
        f"{field} {merchant_id!r} does not exist",
        metadata={field: merchant_id},
    )


def _card_book(conn: Connection, merchant_id: str, card_id: str) -> MerchantBook | None:
    """The merchant's book cut down to one card: the merchant, the card, and the newest version
    of each lot, redemption and refund that now belongs to it (a statement need not decode the
    whole merchant)."""
    rows = conn.execute(
        "SELECT record_type, body FROM (SELECT DISTINCT ON (record_type, record_id) record_type,"
        " body FROM custody_records WHERE merchant_id = %s"
        " ORDER BY record_type, record_id, seq DESC) r"
        " WHERE record_type = 'Merchant' OR body->>'instrument_id' = %s",
        (merchant_id, card_id),
    ).fetchall()
    records = [codec.load_record(t, body) for t, body in rows]
    merchant = next((r for r in records if isinstance(r, Merchant)), None)
    if merchant is None:
        return None
    book = MerchantBook(merchant=merchant).with_records(records)
    return load_accounts_for(conn, book)


def _exists(conn: Connection, merchant_id: str, ref: cv.Ref) -> bool:
    row = conn.execute(
        "SELECT 1 FROM custody_records WHERE merchant_id = %s AND record_type = %s"
        " AND record_id = %s LIMIT 1",
        (merchant_id, ref.record_type, ref.record_id),
    ).fetchone()
    return row is not None


def _records_of(conn: Connection, merchant_id: str, command_id: UUID) -> tuple[object, ...]:
    """The records a stored command wrote, as it wrote them (to answer its replay)."""
    rows = conn.execute(
        "SELECT record_type, body FROM custody_records WHERE merchant_id = %s"
        " AND command_id = %s ORDER BY seq",
        (merchant_id, command_id),
    ).fetchall()
    return tuple(codec.load_record(t, body) for t, body in rows)


def _instruction_rows(
    conn: Connection,
    merchant_id: str,
    status: InstructionStatus | None,
    after: int,
    limit: int,
) -> list[tuple[int, Instruction]]:
    """Newest version of each instruction, keyed by the seq of its first version."""
    merchant_filter = "AND merchant_id = %(m)s" if merchant_id else ""
    status_filter = "AND r.body->>'status' = %(s)s" if status is not None else ""
    rows = conn.execute(
        "SELECT f.first_seq, r.body FROM (SELECT record_id, min(seq) AS first_seq,"
        " max(seq) AS last_seq FROM custody_records WHERE record_type = 'Instruction'"
        f" {merchant_filter} GROUP BY record_id) f JOIN custody_records r ON r.seq = f.last_seq"
        f" WHERE f.first_seq > %(after)s {status_filter} ORDER BY f.first_seq LIMIT %(limit)s",
        {
            "m": merchant_id,
            "s": None if status is None else status.value,
            "after": after,
            "limit": limit,
        },
    ).fetchall()
    out: list[tuple[int, Instruction]] = []
    for seq, body in rows:
        rec = codec.load_record("Instruction", body)
        assert isinstance(rec, Instruction)
        out.append((int(seq), rec))
    return out


def _decision_rows(
    conn: Connection, merchant_id: str, after: int, limit: int
) -> list[tuple[int, pb.Decision]]:
    merchant_filter = "AND merchant_id = %(m)s" if merchant_id else ""
    rows = conn.execute(
        "SELECT seq, command_id, merchant_id, command_type, actor, accepted, refusals,"
        " policy_version, transfer_ids, decided_at FROM custody_decisions"
        f" WHERE seq > %(after)s {merchant_filter} ORDER BY seq LIMIT %(limit)s",
        {"m": merchant_id, "after": after, "limit": limit},
    ).fetchall()
    out: list[tuple[int, pb.Decision]] = []
    for seq, cid, mid, ctype, actor, accepted, refusals, version, tids, decided_at in rows:
        refused = refusals if isinstance(refusals, list) else json.loads(refusals)
        out.append(
            (
                int(seq),
                pb.Decision(
                    request_id=str(cid),
                    merchant_id=mid,
                    command_type=ctype,
                    actor=actor,
                    accepted=accepted,
                    refusals=[
                        cv.rule_refusal_to_proto(r["rule"], r["message"], r["figures"])
                        for r in refused
                    ],
                    policy_version=version,
                    transfer_ids=[str(t) for t in tids],
                    decided_at_ns=decided_at,
                ),
            )
        )
    return out


def _card_entries(conn: Connection, card_id: str) -> list[pb.CardEntry]:
    """The card account's journal, oldest first, through the per-account balance history."""
    card = account_id(AccountKind.CARD_LIABILITY, card_id)
    rows = conn.execute(
        "SELECT t.id, t.code, t.flags, t.amount, t.metadata, t.timestamp, t.credit_account_id"
        " FROM account_balances b JOIN transfers t ON t.id = b.transfer_id"
        " WHERE b.account_id = %s ORDER BY b.timestamp LIMIT %s",
        (card, STATEMENT_ENTRIES_MAX),
    ).fetchall()
    entries: list[pb.CardEntry] = []
    for tid, code, flags, amount, metadata, timestamp, credit in rows:
        meta: dict[str, str] = metadata if isinstance(metadata, dict) else json.loads(metadata)
        entries.append(
            pb.CardEntry(
                transfer_id=str(tid),
                kind=cv.transfer_code_name(code),
                amount_fen=amount,
                onto_card=credit == card,
                phase=_ENTRY_PHASE.get(flags & _PHASE_FLAGS, pb.ENTRY_PHASE_SINGLE),
                source=meta.get("source", ""),
                timestamp_ns=timestamp,
            )
        )
    return entries


def _instruction(rec: Instruction | None) -> pb.Instruction | None:
    return None if rec is None else cv.instruction_to_proto(rec)


def _refund(rec: RefundRecord | None) -> pb.Refund | None:
    return None if rec is None else cv.refund_to_proto(rec)
