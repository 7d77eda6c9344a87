"""One entry point for every custody command: route it to its rules, and turn money leaving
custody into bank instructions.

Pure: `decide(book, envelope, policies, now)` returns a Decision. The adapter applies an accepted
decision's transfers as one linked chain through the ledger engine in the writer's batch, so the
rule check and the money it permits commit together.

Bank instructions: a release or a refund payment leaves the custody account at the bank, so the
ledger books it as a hold (pending transfer). The custody bank confirms it (post) or fails it
(void) with `ConfirmInstruction` / `FailInstruction`. Held amounts already count against the
available custody cash, so two releases can never spend the same fen.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID, uuid5

from ledger.custody import card_moves, redemptions, refunds, release, sales
from ledger.custody.accounts import AccountKind, TransferCode, account_id, transfer_id
from ledger.custody.book import MerchantBook
from ledger.custody.commands import (
    AccrueMemberships,
    AssignCard,
    ConfirmRedemption,
    DisputeRedemption,
    ExpireRedemption,
    PayRefund,
    ReactivateCard,
    Redeem,
    ReissueLostCard,
    Release,
    RequestBalanceRefund,
    RequestCoolingOffRefund,
    Sell,
)
from ledger.custody.decision import Accepted, Decision, InvalidCommand, Refused, refuse
from ledger.custody.instruments import Merchant
from ledger.custody.kinds import CreditGrade, MerchantStatus, RefundKind
from ledger.custody.merchant_status import transition
from ledger.custody.policy import PolicyBook
from ledger.custody.recovery import Fund, RecordRecovery, fund, record_recovery
from ledger.custody.returns import (
    AcceptedReturn,
    ReturnPledge,
    fund_return_cover,
    reimburse_return,
)
from ledger.custody.settlement import SettleDefault, settle_default
from ledger.model import Transfer, TransferFlags

# Codes of transfers that pay money out of the custody account at the bank.
INSTRUCTION_CODES = frozenset(
    {int(TransferCode.RELEASE), int(TransferCode.ADVANCE), int(TransferCode.REFUND_PAID)}
)


@dataclass(frozen=True, slots=True)
class OnboardMerchant:
    command_id: UUID
    merchant: Merchant


@dataclass(frozen=True, slots=True)
class ChangeMerchantStatus:
    command_id: UUID
    to: MerchantStatus
    evidence: tuple[str, ...]
    decided_by: str
    notice_ends_on: date | None = None


@dataclass(frozen=True, slots=True)
class SetCreditGrade:
    """A regulator's grading (R36): it selects the policy row for later decisions."""

    command_id: UUID
    grade: CreditGrade
    evidence: tuple[str, ...]
    decided_by: str


@dataclass(frozen=True, slots=True)
class ConfirmInstruction:
    command_id: UUID
    instruction_id: UUID


@dataclass(frozen=True, slots=True)
class FailInstruction:
    command_id: UUID
    instruction_id: UUID
    reason: str


@dataclass(frozen=True, slots=True)
class PledgeReturns:
    command_id: UUID
    pledge: ReturnPledge


@dataclass(frozen=True, slots=True)
class ReimburseReturn:
    command_id: UUID
    accepted: AcceptedReturn


@dataclass(frozen=True, slots=True)
class FundReturnCover:
    command_id: UUID
    insurer_id: str
    amount_fen: int


class InstructionStatus(enum.Enum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Instruction:
    """A payment the custody bank must carry out: the hold's id is the instruction id."""

    record_id: str
    merchant_id: str
    transfer_id: UUID
    code: int
    amount_fen: int
    command_id: UUID
    created_at: datetime
    status: InstructionStatus = InstructionStatus.PENDING
    resolved_at: datetime | None = None
    reason: str = ""
    refund_id: str = ""  # the refund it pays, reset to unpaid if the bank fails it


@dataclass(frozen=True, slots=True)
class PledgeRecord:
    record_id: str
    pledge: ReturnPledge


@dataclass(frozen=True, slots=True)
class GradeChange:
    record_id: str
    merchant_id: str
    from_grade: CreditGrade
    to_grade: CreditGrade
    evidence: tuple[str, ...]
    decided_by: str
    decided_at: datetime


class AlertKind(enum.Enum):
    REFUND_OVERDUE = "refund_overdue"  # booked, not paid by its due date (R18, R19)
    INSTRUCTION_OVERDUE = "instruction_overdue"  # the bank has not carried out a payment


# Fixed: alert command ids derive from it, so a changed namespace would raise every alert again.
ALERT_NAMESPACE = UUID("3d0c8a57-1f7e-4d1b-9a8e-4a2f6c1b7e03")


@dataclass(frozen=True, slots=True)
class RaiseAlert:
    """Record a missed deadline (regulator artefact 6). The scheduler derives the command id
    from the subject (`alert_command_id`), so repeated ticks raise each alert once; the
    deadline and amount come from the subject's own record, never from the caller."""

    command_id: UUID
    kind: AlertKind
    subject_id: str  # record id of the refund or the instruction
    grace_days: int = 0  # instructions: days the bank may take before it is late


@dataclass(frozen=True, slots=True)
class Alert:
    record_id: str
    merchant_id: str
    kind: AlertKind
    subject_id: str
    rule: str
    deadline: datetime  # late from this instant on
    amount_fen: int
    raised_at: datetime


def alert_command_id(merchant_id: str, kind: AlertKind, subject_id: str) -> UUID:
    return uuid5(ALERT_NAMESPACE, f"{merchant_id}:{kind.value}:{subject_id}")


def alert_record_id(kind: AlertKind, subject_id: str) -> str:
    return f"alert/{kind.value}/{subject_id}"


MerchantCommand = (
    Sell | Redeem | ConfirmRedemption | DisputeRedemption | ExpireRedemption | AccrueMemberships
    | Release | RequestCoolingOffRefund | RequestBalanceRefund | PayRefund | ReissueLostCard
    | AssignCard | ReactivateCard | ChangeMerchantStatus | SetCreditGrade | ConfirmInstruction
    | FailInstruction | SettleDefault | RecordRecovery | PledgeReturns | ReimburseReturn
    | RaiseAlert
)  # fmt: skip
SchemeCommand = Fund | FundReturnCover  # money entering pools or cover: no merchant book needed


@dataclass(frozen=True, slots=True)
class Envelope:
    """A command with who it is about and who asked; `command_id` is the idempotency key."""

    merchant_id: str  # "" for scheme commands
    command: MerchantCommand | SchemeCommand | OnboardMerchant
    actor: str

    @property
    def command_id(self) -> UUID:
        return self.command.command_id


_POLICY_HANDLERS = {
    Sell: sales.sell,
    Redeem: redemptions.record_redemption,
    ConfirmRedemption: redemptions.confirm_redemption,
    DisputeRedemption: redemptions.dispute_redemption,
    ExpireRedemption: redemptions.expire_redemption,
    AccrueMemberships: redemptions.accrue_memberships,
    Release: release.release,
    RequestCoolingOffRefund: refunds.request_cooling_off_refund,
    RequestBalanceRefund: refunds.request_balance_refund,
    PayRefund: refunds.pay_refund,
    ReissueLostCard: card_moves.reissue_lost_card,
    AssignCard: card_moves.assign_card,
    ReactivateCard: card_moves.reactivate_card,
}


def decide(
    book: MerchantBook | None, env: Envelope, policies: PolicyBook, now: datetime
) -> Decision:
    cmd = env.command
    if isinstance(cmd, OnboardMerchant):
        if book is not None:
            raise InvalidCommand(f"merchant {cmd.merchant.merchant_id} is already onboarded")
        if cmd.merchant.merchant_id != env.merchant_id or not env.merchant_id:
            raise InvalidCommand("the merchant id must match the envelope's")
        return Accepted((), (cmd.merchant,), accounts=sales.merchant_accounts(env.merchant_id))
    if isinstance(cmd, Fund):
        return fund(cmd)
    if isinstance(cmd, FundReturnCover):
        return fund_return_cover(cmd.command_id, cmd.insurer_id, cmd.amount_fen)
    if book is None:
        raise InvalidCommand(f"no merchant {env.merchant_id!r}")
    m = book.merchant
    handler = _POLICY_HANDLERS.get(type(cmd))
    if handler is not None:
        policy = policies.resolve(m.jurisdiction, m.industry, m.credit_grade, now.date())
        decision = handler(book, cmd, policy, now)  # type: ignore[operator]
        assert isinstance(decision, Accepted | Refused)
        return _as_instructions(decision, book, cmd.command_id, now)
    return _decide_other(book, cmd, now)


def _decide_other(book: MerchantBook, cmd: object, now: datetime) -> Decision:
    m = book.merchant
    if isinstance(cmd, ChangeMerchantStatus):
        changed, record = transition(
            m, cmd.to, cmd.evidence, cmd.decided_by, now, cmd.notice_ends_on
        )
        return Accepted((), (changed, record))
    if isinstance(cmd, SetCreditGrade):
        if not cmd.evidence or not cmd.decided_by.strip():
            raise InvalidCommand("a grading needs evidence and a decision maker")
        change = GradeChange(
            f"grade/{m.merchant_id}/{cmd.command_id}", m.merchant_id, m.credit_grade,
            cmd.grade, cmd.evidence, cmd.decided_by, now,
        )  # fmt: skip
        return Accepted((), (replace(m, credit_grade=cmd.grade), change))
    if isinstance(cmd, ConfirmInstruction | FailInstruction):
        return _resolve_instruction(book, cmd, now)
    if isinstance(cmd, RaiseAlert):
        return _raise_alert(book, cmd, now)
    if isinstance(cmd, SettleDefault):
        return settle_default(book, cmd, now)
    if isinstance(cmd, RecordRecovery):
        return record_recovery(book, cmd, now)
    if isinstance(cmd, PledgeReturns):
        if cmd.pledge.merchant_id != m.merchant_id:
            raise InvalidCommand("a pledge is made by the merchant it names")
        return Accepted((), (PledgeRecord(f"pledge/{m.merchant_id}", cmd.pledge),))
    if isinstance(cmd, ReimburseReturn):
        pledge = book.records.get(f"pledge/{m.merchant_id}")
        if not isinstance(pledge, PledgeRecord):
            return refuse("R31", "the merchant has no no-reason-return pledge")
        cover_id = account_id(AccountKind.RETURN_INSURANCE, pledge.pledge.insurer_id)
        return reimburse_return(pledge.pledge, cmd.accepted, book.accounts.get(cover_id), now)
    raise InvalidCommand(f"unknown command {type(cmd).__name__}")


def _as_instructions(
    decision: Decision, book: MerchantBook, command_id: UUID, now: datetime
) -> Decision:
    """Book payouts from custody as holds, with an instruction record for the bank."""
    if not isinstance(decision, Accepted):
        return decision
    transfers: list[Transfer] = []
    records: list[object] = list(decision.records)
    refund_id = next(
        (r.record_id for r in decision.records if isinstance(r, refunds.RefundRecord)), ""
    )
    for t in decision.transfers:
        if t.code in INSTRUCTION_CODES:
            t = replace(t, flags=t.flags | int(TransferFlags.PENDING))
            records.append(
                Instruction(
                    f"instruction/{t.id}", book.merchant.merchant_id, t.id, t.code, t.amount,
                    command_id, now, refund_id=refund_id if t.code == TransferCode.REFUND_PAID
                    else "",
                )
            )  # fmt: skip
        transfers.append(t)
    return replace(decision, transfers=tuple(transfers), records=tuple(records))


def _resolve_instruction(
    book: MerchantBook, cmd: ConfirmInstruction | FailInstruction, now: datetime
) -> Decision:
    rec = book.records.get(f"instruction/{cmd.instruction_id}")
    if not isinstance(rec, Instruction):
        raise InvalidCommand(f"no instruction {cmd.instruction_id} for this merchant")
    if rec.status != InstructionStatus.PENDING:
        return refuse("INSTRUCTION", "the instruction is already resolved", status=rec.status.value)
    confirm = isinstance(cmd, ConfirmInstruction)
    flag = TransferFlags.POST_PENDING if confirm else TransferFlags.VOID_PENDING
    zero = UUID(int=0)
    t = Transfer(
        transfer_id(cmd.command_id, "resolve"), zero, zero, 0, "", 0, int(flag), rec.transfer_id
    )
    records: list[object] = [
        replace(
            rec,
            status=InstructionStatus.CONFIRMED if confirm else InstructionStatus.FAILED,
            resolved_at=now,
            reason="" if confirm else cmd.reason,  # type: ignore[union-attr]
        )
    ]
    if not confirm and rec.refund_id:
        refund = book.records.get(rec.refund_id)
        if isinstance(refund, refunds.RefundRecord):  # the bank did not pay: unpaid again
            records.append(replace(refund, paid_at=None, paid_from_custody_fen=0))
    return Accepted((t,), tuple(records))


def _raise_alert(book: MerchantBook, cmd: RaiseAlert, now: datetime) -> Decision:
    """Accept only a deadline that really was missed by a subject still unresolved."""
    record_id = alert_record_id(cmd.kind, cmd.subject_id)
    earlier = book.records.get(record_id)
    if isinstance(earlier, Alert):
        return refuse("ALERT", "already raised", raised_at=earlier.raised_at.isoformat())
    subject = book.records.get(cmd.subject_id)
    if cmd.kind == AlertKind.REFUND_OVERDUE:
        if not isinstance(subject, refunds.RefundRecord):
            raise InvalidCommand(f"no refund {cmd.subject_id} for this merchant")
        if subject.paid_at is not None:
            return refuse("ALERT", "the refund is paid", paid_at=subject.paid_at.isoformat())
        # Due on a date: late from the start of the next day.
        deadline = datetime.combine(subject.due_on + timedelta(days=1), time(), UTC)
        rule = "R18" if subject.kind == RefundKind.COOLING_OFF else "R19"
        amount = subject.amount_fen
    else:
        if not isinstance(subject, Instruction) or cmd.grace_days < 0:
            raise InvalidCommand(f"no instruction {cmd.subject_id} for this merchant")
        if subject.status != InstructionStatus.PENDING:
            return refuse("ALERT", "the instruction is resolved", status=subject.status.value)
        deadline = subject.created_at + timedelta(days=cmd.grace_days)
        rule = "R37"  # bank records and the ledger must agree; breaks are tracked (inv. 3)
        amount = subject.amount_fen
    if now < deadline:
        return refuse("ALERT", "the deadline has not passed", deadline=deadline.isoformat())
    alert = Alert(
        record_id, book.merchant.merchant_id, cmd.kind, cmd.subject_id, rule, deadline, amount, now
    )
    return Accepted((), (alert,))
