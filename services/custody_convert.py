"""Custody API <-> domain: requests validated into command envelopes, records into messages.

Validation refuses what is malformed as a request (a request_id that is not a UUID, a blank
actor, an id with characters outside the id alphabet, a zero or negative amount, an enum value
that is unknown or left unspecified where it is required, a date that is not ISO 8601) with
INVALID_ARGUMENT, naming every offending field at once. Whatever depends on the book (an unknown
card, a cap, a cooling-off window) is left to the custody rules.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, TypeVar
from uuid import UUID

from google.protobuf.descriptor import EnumDescriptor

from fangxin.v1 import custody_pb2 as pb
from ledger.custody.accounts import TransferCode
from ledger.custody.commands import (
    AssignCard,
    ConfirmRedemption,
    DisputeRedemption,
    Initiator,
    PayRefund,
    ReactivateCard,
    Redeem,
    RefundChannel,
    ReissueLostCard,
    Release,
    RequestBalanceRefund,
    RequestCoolingOffRefund,
    Sell,
)
from ledger.custody.decision import Refusal
from ledger.custody.dispatch import (
    ChangeMerchantStatus,
    ConfirmInstruction,
    Envelope,
    FailInstruction,
    FundReturnCover,
    Instruction,
    InstructionStatus,
    OnboardMerchant,
    PledgeReturns,
    ReimburseReturn,
    SetCreditGrade,
)
from ledger.custody.instruments import (
    InstrumentStatus,
    Lot,
    Merchant,
    PrepaidInstrument,
    PriceSchedule,
    Redemption,
    RedemptionStatus,
)
from ledger.custody.kinds import (
    CounterpartyRole,
    CreditGrade,
    EligibilityFlag,
    FundingSource,
    InstrumentKind,
    IssuerClass,
    MerchantStatus,
    RefundKind,
    RefundReason,
    ReleaseMode,
)
from ledger.custody.recovery import Fund, RecordRecovery
from ledger.custody.refunds import RefundRecord
from ledger.custody.returns import AcceptedReturn, ReturnPledge, ReturnPolicy
from ledger.custody.settlement import OutstandingClaim, RecoveryClaim, SettleDefault
from ledger.pg.custody_store import ns_to_datetime
from services.convert import parse_uuid
from services.errors import VIOLATIONS_MAX, InvalidArgument

# Client-chosen ids: short, unambiguous in resource names and logs, and well inside the ledger's
# limits (account owners of at most 200 bytes, metadata values of at most 256 bytes).
ID_CHARS_MAX = 64
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}")
# Lot ids are made by the ledger ("<card>/<request id>", prefixed again by each assignment).
_LOT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/-]{0,511}")
_JURISDICTION = re.compile(r"[A-Z]{2}(-[A-Z0-9]{1,8}){0,4}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ACTOR_CHARS_MAX = 128
TEXT_CHARS_MAX = 500
LIST_ITEMS_MAX = 32
AMOUNT_FEN_MAX = 10**15  # CNY 10 trillion: far above any real card, far below int64
QUANTITY_MAX = 10_000
WINDOW_DAYS_MAX = 3_660
DEFAULT_POOL = "CN"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

E = TypeVar("E", bound=enum.Enum)


# -- enums -----------------------------------------------------------------------------------------


class EnumMap(Generic[E]):
    """A domain enum and its proto enum, matched by member name under the proto's prefix
    (InstrumentKind.STORED_VALUE <-> INSTRUMENT_KIND_STORED_VALUE); checked complete at import."""

    def __init__(self, domain: type[E], proto_name: str, prefix: str) -> None:
        self.domain = domain
        self.descriptor: EnumDescriptor = pb.DESCRIPTOR.enum_types_by_name[proto_name]
        self.prefix = prefix
        self._to_proto = {m: self.descriptor.values_by_name[f"{prefix}_{m.name}"].number
                          for m in domain}  # fmt: skip
        self._to_domain = {n: m for m, n in self._to_proto.items()}
        assert 0 not in self._to_domain, f"{proto_name}: 0 is reserved for UNSPECIFIED"

    def to_proto(self, member: E) -> Any:
        """The proto enum number (typed Any: each generated enum is its own int subtype)."""
        return self._to_proto[member]

    def to_domain(self, number: int) -> E | None:
        """None for UNSPECIFIED and for numbers this build does not know."""
        return self._to_domain.get(number)

    def names(self) -> str:
        return ", ".join(v.name for v in self.descriptor.values if v.number in self._to_domain)


ISSUER_CLASS = EnumMap(IssuerClass, "IssuerClass", "ISSUER_CLASS")
CREDIT_GRADE = EnumMap(CreditGrade, "CreditGrade", "CREDIT_GRADE")
MERCHANT_STATUS = EnumMap(MerchantStatus, "MerchantStatus", "MERCHANT_STATUS")
ELIGIBILITY_FLAG = EnumMap(EligibilityFlag, "EligibilityFlag", "ELIGIBILITY_FLAG")
INSTRUMENT_KIND = EnumMap(InstrumentKind, "InstrumentKind", "INSTRUMENT_KIND")
CARD_STATUS = EnumMap(InstrumentStatus, "CardStatus", "CARD_STATUS")
INITIATOR = EnumMap(Initiator, "Initiator", "INITIATOR")
REDEMPTION_STATUS = EnumMap(RedemptionStatus, "RedemptionStatus", "REDEMPTION_STATUS")
REFUND_REASON = EnumMap(RefundReason, "RefundReason", "REFUND_REASON")
REFUND_CHANNEL = EnumMap(RefundChannel, "RefundChannel", "REFUND_CHANNEL")
REFUND_KIND = EnumMap(RefundKind, "RefundKind", "REFUND_KIND")
COUNTERPARTY_ROLE = EnumMap(CounterpartyRole, "CounterpartyRole", "COUNTERPARTY_ROLE")
FUNDING_SOURCE = EnumMap(FundingSource, "FundingSource", "FUNDING_SOURCE")
RELEASE_MODE = EnumMap(ReleaseMode, "ReleaseMode", "RELEASE_MODE")
INSTRUCTION_STATUS = EnumMap(InstructionStatus, "InstructionStatus", "INSTRUCTION_STATUS")
_INSTRUCTION_KIND: dict[int, Any] = {
    int(code): pb.DESCRIPTOR.enum_types_by_name["InstructionKind"]
    .values_by_name[f"INSTRUCTION_KIND_{code.name}"]
    .number
    for code in (TransferCode.RELEASE, TransferCode.ADVANCE, TransferCode.REFUND_PAID)
}


# -- validation ------------------------------------------------------------------------------------


class Check:
    """Collects (field, description) violations of one request; `done` raises them all."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, field: str, description: str) -> None:
        if len(self.items) < VIOLATIONS_MAX:
            self.items.append((field, description))

    def done(self) -> None:
        if self.items:
            raise InvalidArgument(self.items)

    def request_id(self, text: str) -> UUID:
        parsed = self.uuid(text, "request_id")
        if parsed is not None and parsed.int == 0:
            self.add("request_id", "must not be the zero UUID")
        return parsed or UUID(int=0)

    def uuid(self, text: str, field: str) -> UUID | None:
        if not text:
            self.add(field, "is required: a UUID such as 0b9f3c2e-5d1a-4c6b-8e7f-1a2b3c4d5e6f")
            return None
        parsed = parse_uuid(text)
        if parsed is None:
            self.add(field, "is not a UUID in canonical 8-4-4-4-12 hex form")
        return parsed

    def actor(self, text: str) -> str:
        return self.text(text, "actor", ACTOR_CHARS_MAX, required=True)

    def text(self, text: str, field: str, chars_max: int, *, required: bool) -> str:
        if not text.strip():
            if required or text:
                self.add(field, "is required and must not be blank")
        elif len(text) > chars_max:
            self.add(field, f"has {len(text)} characters; at most {chars_max}")
        elif not text.isprintable():
            self.add(field, "must not contain control characters")
        return text

    def texts(self, texts: Sequence[str], field: str, *, required: bool) -> tuple[str, ...]:
        if required and not texts:
            self.add(field, "needs at least one entry")
        if len(texts) > LIST_ITEMS_MAX:
            self.add(field, f"has {len(texts)} entries; at most {LIST_ITEMS_MAX}")
            return tuple(texts)
        for i, t in enumerate(texts):
            self.text(t, f"{field}[{i}]", TEXT_CHARS_MAX, required=True)
        return tuple(texts)

    def ident(self, text: str, field: str, *, required: bool = True) -> str:
        if not text:
            if required:
                self.add(field, "is required")
        elif not _ID.fullmatch(text):
            self.add(
                field,
                f"must be 1 to {ID_CHARS_MAX} characters from [A-Za-z0-9._:@-], starting with a"
                " letter or digit",
            )
        return text

    def idents(self, texts: Sequence[str], field: str) -> frozenset[str]:
        if len(texts) > LIST_ITEMS_MAX:
            self.add(field, f"has {len(texts)} entries; at most {LIST_ITEMS_MAX}")
            return frozenset(texts)
        for i, t in enumerate(texts):
            self.ident(t, f"{field}[{i}]")
        return frozenset(texts)

    def lot_id(self, text: str, field: str) -> str:
        if not text:
            self.add(field, "is required")
        elif not _LOT_ID.fullmatch(text):
            self.add(field, "is not a lot id issued by this service")
        return text

    def amount(self, value: int, field: str, *, zero_ok: bool = False) -> int:
        low = 0 if zero_ok else 1
        if value < low:
            self.add(field, "must not be negative" if zero_ok else "must be positive")
        elif value > AMOUNT_FEN_MAX:
            self.add(field, f"must be at most {AMOUNT_FEN_MAX} fen")
        return value

    def count(self, value: int, field: str, *, zero_ok: bool, count_max: int) -> int:
        if value < (0 if zero_ok else 1):
            self.add(field, "must not be negative" if zero_ok else "must be positive")
        elif value > count_max:
            self.add(field, f"must be at most {count_max}")
        return value

    def instant(self, ns: int, field: str) -> datetime:
        if ns <= 0:
            self.add(field, "is required: ns since the Unix epoch, positive")
            return _EPOCH
        return ns_to_datetime(ns)

    def enum(self, number: int, mapping: EnumMap[E], field: str, default: E | None = None) -> E:
        """The domain member; UNSPECIFIED gives `default` when there is one."""
        member = mapping.to_domain(number)
        if member is None and number == 0 and default is not None:
            return default
        if member is None:
            what = "is required" if number == 0 else f"has unknown value {number}"
            self.add(field, f"{what}; one of {mapping.names()}")
            return next(iter(mapping.domain))  # a placeholder: done() raises before it is used
        return member

    def date(self, text: str, field: str, *, required: bool) -> date | None:
        if not text:
            if required:
                self.add(field, "is required: an ISO 8601 date such as 2025-03-01")
            return None
        try:
            if not _DATE.fullmatch(text):
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            self.add(field, "is not an ISO 8601 date such as 2025-03-01")
            return None

    def jurisdiction(self, text: str, field: str) -> str:
        if not _JURISDICTION.fullmatch(text):
            self.add(field, 'must be a dash-separated code such as "CN", "CN-BJ", "CN-JL-SP"')
        return text

    def schedule(self, prices: Mapping[str, int], field: str) -> PriceSchedule:
        if len(prices) > LIST_ITEMS_MAX:
            self.add(field, f"has {len(prices)} items; at most {LIST_ITEMS_MAX}")
            return PriceSchedule()
        for item in sorted(prices):
            self.ident(item, f"{field}[{item[:ID_CHARS_MAX]!r}]")
            self.amount(prices[item], f"{field}[{item[:ID_CHARS_MAX]!r}]")
        return PriceSchedule(dict(prices))


# -- requests --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ref:
    """A resource a command names and expects to exist: if the command fails as invalid and the
    resource is missing, the answer is NOT_FOUND with `reason`."""

    reason: str
    record_type: str
    record_id: str
    field: str


@dataclass(frozen=True, slots=True)
class Parsed:
    envelope: Envelope
    subject: str  # the resource a refusal is about: "merchants/m1/cards/c1"
    refs: tuple[Ref, ...]


def merchant_ref(merchant_id: str) -> Ref:
    return Ref("MERCHANT_NOT_FOUND", "Merchant", merchant_id, "merchant_id")


def _card_ref(card_id: str, field: str = "card_id") -> Ref:
    return Ref("CARD_NOT_FOUND", "PrepaidInstrument", card_id, field)


def _subject(merchant_id: str, *parts: str) -> str:
    return "/".join(("merchants", merchant_id, *parts))


def instruction_record_id(instruction_id: UUID) -> str:
    return f"instruction/{instruction_id}"


def _merchant_command(
    request_id: str, actor: str, merchant_id: str, check: Check
) -> tuple[UUID, str, str]:
    cid = check.request_id(request_id)
    who = check.actor(actor)
    mid = check.ident(merchant_id, "merchant_id")
    return cid, who, mid


def _parsed(
    check: Check,
    build: Callable[[], Envelope],
    subject: str,
    refs: Iterable[Ref],
) -> Parsed:
    check.done()
    return Parsed(build(), subject, tuple(refs))


def record_sale(r: pb.RecordSaleRequest) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    card = c.ident(r.card_id, "card_id")
    holder = c.ident(r.holder_id, "holder_id")
    kind = c.enum(r.kind, INSTRUMENT_KIND, "kind")
    c.amount(r.paid_fen, "paid_fen")
    c.amount(r.bonus_fen, "bonus_fen", zero_ok=True)
    c.amount(r.list_amount_fen, "list_amount_fen", zero_ok=True)
    c.count(r.sessions, "sessions", zero_ok=True, count_max=QUANTITY_MAX)
    schedule = c.schedule(r.list_prices, "list_prices")
    starts = c.date(r.term_starts_on, "term_starts_on", required=False)
    ends = c.date(r.term_ends_on, "term_ends_on", required=False)
    cmd = Sell(
        cid, card, holder, kind, r.registered, r.paid_fen, r.bonus_fen, r.list_amount_fen,
        r.sessions, schedule, starts, ends,
    )  # fmt: skip
    return _parsed(
        c, lambda: Envelope(mid, cmd, actor), _subject(mid, "cards", card), [merchant_ref(mid)]
    )


def _instruction(
    r: pb.ConfirmInstructionRequest | pb.FailInstructionRequest, reason: str | None
) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    iid = c.uuid(r.instruction_id, "instruction_id") or UUID(int=0)
    if reason is not None:
        c.text(reason, "reason", TEXT_CHARS_MAX, required=True)
    cmd = ConfirmInstruction(cid, iid) if reason is None else FailInstruction(cid, iid, reason)
    ref = Ref("INSTRUCTION_NOT_FOUND", "Instruction", instruction_record_id(iid), "instruction_id")
    return _parsed(
        c,
        lambda: Envelope(mid, cmd, actor),
        _subject(mid, "instructions", r.instruction_id),
        [merchant_ref(mid), ref],
    )


def confirm_instruction(r: pb.ConfirmInstructionRequest) -> Parsed:
    return _instruction(r, None)


def fail_instruction(r: pb.FailInstructionRequest) -> Parsed:
    return _instruction(r, r.reason)


def record_redemption(r: pb.RecordRedemptionRequest) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    rid = c.ident(r.redemption_id, "redemption_id")
    card = c.ident(r.card_id, "card_id")
    item = c.ident(r.item, "item")
    c.count(r.quantity, "quantity", zero_ok=False, count_max=QUANTITY_MAX)
    initiator = c.enum(r.initiated_by, INITIATOR, "initiated_by")
    cmd = Redeem(cid, rid, card, item, r.quantity, initiator)
    return _parsed(
        c,
        lambda: Envelope(mid, cmd, actor),
        _subject(mid, "cards", card),
        [merchant_ref(mid), _card_ref(card)],
    )


def request_release(r: pb.RequestReleaseRequest) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    c.amount(r.amount_fen, "amount_fen")
    cmd = Release(cid, r.amount_fen)
    return _parsed(c, lambda: Envelope(mid, cmd, actor), _subject(mid), [merchant_ref(mid)])


def _redemption(
    r: pb.ConfirmRedemptionRequest | pb.DisputeRedemptionRequest, confirm: bool
) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    rid = c.ident(r.redemption_id, "redemption_id")
    cmd = ConfirmRedemption(cid, rid) if confirm else DisputeRedemption(cid, rid)
    ref = Ref("REDEMPTION_NOT_FOUND", "Redemption", rid, "redemption_id")
    return _parsed(
        c,
        lambda: Envelope(mid, cmd, actor),
        _subject(mid, "redemptions", rid),
        [merchant_ref(mid), ref],
    )


def confirm_redemption(r: pb.ConfirmRedemptionRequest) -> Parsed:
    return _redemption(r, True)


def dispute_redemption(r: pb.DisputeRedemptionRequest) -> Parsed:
    return _redemption(r, False)


def request_cooling_off_refund(r: pb.RequestCoolingOffRefundRequest) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    refund = c.ident(r.refund_id, "refund_id")
    lot = c.lot_id(r.lot_id, "lot_id")
    channel = c.enum(r.channel, REFUND_CHANNEL, "channel", RefundChannel.BANK_ACCOUNT)
    cmd = RequestCoolingOffRefund(cid, refund, lot, channel)
    return _parsed(
        c,
        lambda: Envelope(mid, cmd, actor),
        _subject(mid, "lots", lot),
        [merchant_ref(mid), Ref("LOT_NOT_FOUND", "Lot", lot, "lot_id")],
    )


def request_balance_refund(r: pb.RequestBalanceRefundRequest) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    refund = c.ident(r.refund_id, "refund_id")
    card = c.ident(r.card_id, "card_id")
    reason = c.enum(r.reason, REFUND_REASON, "reason")
    stopped = c.date(r.service_stopped_on, "service_stopped_on", required=False)
    channel = c.enum(r.channel, REFUND_CHANNEL, "channel", RefundChannel.BANK_ACCOUNT)
    cmd = RequestBalanceRefund(cid, refund, card, reason, stopped, channel)
    return _parsed(
        c,
        lambda: Envelope(mid, cmd, actor),
        _subject(mid, "cards", card),
        [merchant_ref(mid), _card_ref(card)],
    )


def pay_refund(r: pb.PayRefundRequest) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    refund = c.ident(r.refund_id, "refund_id")
    cmd = PayRefund(cid, refund)
    return _parsed(
        c,
        lambda: Envelope(mid, cmd, actor),
        _subject(mid, "refunds", refund),
        [merchant_ref(mid), Ref("REFUND_NOT_FOUND", "RefundRecord", refund, "refund_id")],
    )


def reissue_lost_card(r: pb.ReissueLostCardRequest) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    card = c.ident(r.card_id, "card_id")
    new = c.ident(r.new_card_id, "new_card_id")
    if card and new == card:
        c.add("new_card_id", "must differ from card_id")
    cmd = ReissueLostCard(cid, card, new)
    return _parsed(
        c,
        lambda: Envelope(mid, cmd, actor),
        _subject(mid, "cards", card),
        [merchant_ref(mid), _card_ref(card)],
    )


def assign_card(r: pb.AssignCardRequest) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    card = c.ident(r.card_id, "card_id")
    assignee = c.ident(r.assignee_id, "assignee_id")
    c.amount(r.face_fen, "face_fen", zero_ok=True)
    new = c.ident(r.new_card_id, "new_card_id", required=r.face_fen > 0)
    if r.face_fen == 0 and new:
        c.add("new_card_id", "only for a partial assignment (face_fen > 0)")
    if new and new == card:
        c.add("new_card_id", "must differ from card_id")
    cmd = AssignCard(cid, card, assignee, new, r.face_fen)
    return _parsed(
        c,
        lambda: Envelope(mid, cmd, actor),
        _subject(mid, "cards", card),
        [merchant_ref(mid), _card_ref(card)],
    )


def reactivate_card(r: pb.ReactivateCardRequest) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    card = c.ident(r.card_id, "card_id")
    cmd = ReactivateCard(cid, card)
    return _parsed(
        c,
        lambda: Envelope(mid, cmd, actor),
        _subject(mid, "cards", card),
        [merchant_ref(mid), _card_ref(card)],
    )


def onboard_merchant(r: pb.OnboardMerchantRequest) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    issuer = c.enum(r.issuer_class, ISSUER_CLASS, "issuer_class")
    industry = c.ident(r.industry, "industry")
    jurisdiction = c.jurisdiction(r.jurisdiction, "jurisdiction")
    grade = c.enum(r.credit_grade, CREDIT_GRADE, "credit_grade")
    licensed_on = c.date(r.licensed_on, "licensed_on", required=True)
    flags = frozenset(
        c.enum(f, ELIGIBILITY_FLAG, f"eligibility_flags[{i}]")
        for i, f in enumerate(r.eligibility_flags)
    )
    pool = c.ident(r.pool_id, "pool_id", required=False) or DEFAULT_POOL

    def build() -> Envelope:
        assert licensed_on is not None
        merchant = Merchant(
            mid, issuer, industry, jurisdiction, grade, licensed_on,
            eligibility_flags=flags, pool_id=pool,
        )  # fmt: skip
        return Envelope(mid, OnboardMerchant(cid, merchant), actor)

    return _parsed(c, build, _subject(mid), [])


def change_merchant_status(r: pb.ChangeMerchantStatusRequest) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    to = c.enum(r.status, MERCHANT_STATUS, "status")
    evidence = c.texts(r.evidence, "evidence", required=True)
    decided_by = c.text(r.decided_by, "decided_by", ACTOR_CHARS_MAX, required=False) or actor
    notice = c.date(r.notice_ends_on, "notice_ends_on", required=to == MerchantStatus.CLOSING)
    cmd = ChangeMerchantStatus(cid, to, evidence, decided_by, notice)
    return _parsed(c, lambda: Envelope(mid, cmd, actor), _subject(mid), [merchant_ref(mid)])


def set_credit_grade(r: pb.SetCreditGradeRequest) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    grade = c.enum(r.credit_grade, CREDIT_GRADE, "credit_grade")
    evidence = c.texts(r.evidence, "evidence", required=True)
    decided_by = c.text(r.decided_by, "decided_by", ACTOR_CHARS_MAX, required=False) or actor
    cmd = SetCreditGrade(cid, grade, evidence, decided_by)
    return _parsed(c, lambda: Envelope(mid, cmd, actor), _subject(mid), [merchant_ref(mid)])


def settle_default(r: pb.SettleDefaultRequest) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    role = c.enum(
        r.counterparty_role, COUNTERPARTY_ROLE, "counterparty_role", CounterpartyRole.MERCHANT
    )
    counterparty = c.ident(r.counterparty_id, "counterparty_id", required=False)
    cmd = SettleDefault(cid, role, counterparty)
    return _parsed(c, lambda: Envelope(mid, cmd, actor), _subject(mid), [merchant_ref(mid)])


def fund_compensation(r: pb.FundCompensationRequest) -> Parsed:
    c = Check()
    cid = c.request_id(r.request_id)
    actor = c.actor(r.actor)
    source = c.enum(r.source, FUNDING_SOURCE, "source")
    if source == FundingSource.CUSTODY_CASH:
        c.add("source", "custody cash comes from sales, not from funding")
    owner = c.ident(r.owner_id, "owner_id")
    c.amount(r.amount_fen, "amount_fen")
    cmd = Fund(cid, source, owner, r.amount_fen)
    if source == FundingSource.COMPENSATION_POOL:
        return _parsed(c, lambda: Envelope("", cmd, actor), f"pools/{owner}", [])
    # A merchant's own deposit or cover: the decision is filed under the merchant.
    ref = Ref("MERCHANT_NOT_FOUND", "Merchant", owner, "owner_id")
    return _parsed(c, lambda: Envelope(owner, cmd, actor), _subject(owner), [ref])


def fund_return_cover(r: pb.FundReturnCoverRequest) -> Parsed:
    c = Check()
    cid = c.request_id(r.request_id)
    actor = c.actor(r.actor)
    insurer = c.ident(r.insurer_id, "insurer_id")
    c.amount(r.amount_fen, "amount_fen")
    cmd = FundReturnCover(cid, insurer, r.amount_fen)
    return _parsed(c, lambda: Envelope("", cmd, actor), f"insurers/{insurer}", [])


def record_recovery(r: pb.RecordRecoveryRequest) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    c.amount(r.amount_fen, "amount_fen")
    role = c.enum(r.counterparty_role, COUNTERPARTY_ROLE, "counterparty_role")
    counterparty = c.ident(r.counterparty_id, "counterparty_id")
    cmd = RecordRecovery(cid, r.amount_fen, role, counterparty)
    return _parsed(c, lambda: Envelope(mid, cmd, actor), _subject(mid), [merchant_ref(mid)])


def pledge_returns(r: pb.PledgeReturnsRequest) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    c.count(r.window_days, "window_days", zero_ok=False, count_max=WINDOW_DAYS_MAX)
    conditions = c.idents(r.conditions, "conditions")
    pledged_on = c.date(r.pledged_on, "pledged_on", required=True)
    insurer = c.ident(r.insurer_id, "insurer_id")
    stores = c.idents(r.store_ids, "store_ids")

    def build() -> Envelope:
        assert pledged_on is not None
        policy = ReturnPolicy(r.window_days, conditions, r.cross_store)
        pledge = ReturnPledge(mid, policy, pledged_on, insurer, stores)
        return Envelope(mid, PledgeReturns(cid, pledge), actor)

    return _parsed(c, build, _subject(mid), [merchant_ref(mid)])


def reimburse_return(r: pb.ReimburseReturnRequest) -> Parsed:
    c = Check()
    cid, actor, mid = _merchant_command(r.request_id, r.actor, r.merchant_id, c)
    return_id = c.ident(r.return_id, "return_id")
    sold_at = c.instant(r.sold_at_ns, "sold_at_ns")
    returned_at = c.instant(r.returned_at_ns, "returned_at_ns")
    if 0 < r.returned_at_ns < r.sold_at_ns:
        c.add("returned_at_ns", "must not be before sold_at_ns")
    sold_store = c.ident(r.sold_store_id, "sold_store_id")
    returned_store = c.ident(r.returned_store_id, "returned_store_id")
    c.amount(r.amount_fen, "amount_fen")
    met = c.idents(r.conditions_met, "conditions_met")
    accepted = AcceptedReturn(
        cid, return_id, mid, sold_at, returned_at, sold_store, returned_store, r.amount_fen, met
    )
    return _parsed(
        c,
        lambda: Envelope(mid, ReimburseReturn(cid, accepted), actor),
        _subject(mid, "returns", return_id),
        [merchant_ref(mid)],
    )


# -- refusals --------------------------------------------------------------------------------------


def refusal_metadata(refusals: Sequence[Refusal]) -> dict[str, str]:
    """ErrorInfo metadata: "rules" lists the rule ids; each figure is under
    "<rule in lower case>_<figure>", with "_<n>" after the rule for its n-th refusal (n >= 2)."""
    meta = {"rules": ",".join(r.rule for r in refusals)}
    seen: dict[str, int] = {}
    for r in refusals:
        seen[r.rule] = seen.get(r.rule, 0) + 1
        key = r.rule.lower() + ("" if seen[r.rule] == 1 else f"_{seen[r.rule]}")
        for name, value in sorted(r.figures.items()):
            meta[f"{key}_{name}"] = str(value)
    return meta


def refusal_text(r: Refusal) -> str:
    figures = ", ".join(f"{k}={v}" for k, v in sorted(r.figures.items()))
    return f"{r.message} ({figures})" if figures else r.message


def rule_refusal_to_proto(rule: str, message: str, figures: Mapping[str, object]) -> pb.RuleRefusal:
    return pb.RuleRefusal(
        rule=rule, message=message, figures={k: str(v) for k, v in figures.items()}
    )


# -- records to messages ---------------------------------------------------------------------------


def ns(moment: datetime | None) -> int:
    """ns since the epoch; exact for the microsecond datetimes the domain stores."""
    if moment is None:
        return 0
    return (moment - _EPOCH) // timedelta(microseconds=1) * 1000


def iso(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def instruction_to_proto(rec: Instruction) -> pb.Instruction:
    return pb.Instruction(
        instruction_id=str(rec.transfer_id),
        merchant_id=rec.merchant_id,
        kind=_INSTRUCTION_KIND.get(rec.code, 0),
        amount_fen=rec.amount_fen,
        status=INSTRUCTION_STATUS.to_proto(rec.status),
        request_id=str(rec.command_id),
        created_at_ns=ns(rec.created_at),
        resolved_at_ns=ns(rec.resolved_at),
        failure_reason=rec.reason,
        refund_id=rec.refund_id,
    )


def claim_to_proto(c: RecoveryClaim) -> pb.RecoveryClaim:
    return pb.RecoveryClaim(
        claim_id=c.record_id,
        source=FUNDING_SOURCE.to_proto(c.source),
        source_owner_id=c.source_owner_id,
        counterparty_role=COUNTERPARTY_ROLE.to_proto(c.counterparty_role),
        counterparty_id=c.counterparty_id,
        amount_fen=c.amount_fen,
        recovered_fen=c.recovered_fen,
        open_fen=c.open_fen,
        opened_at_ns=ns(c.opened_at),
    )


def outstanding_to_proto(c: OutstandingClaim) -> pb.OutstandingClaim:
    return pb.OutstandingClaim(
        holder_id=c.holder_id, ref=c.ref, claim_fen=c.claim_fen, paid_fen=c.paid_fen
    )


def card_to_proto(i: PrepaidInstrument) -> pb.Card:
    return pb.Card(
        card_id=i.instrument_id,
        merchant_id=i.merchant_id,
        holder_id=i.holder_id,
        kind=INSTRUMENT_KIND.to_proto(i.kind),
        registered=i.registered,
        status=CARD_STATUS.to_proto(i.status),
        issued_at_ns=ns(i.issued_at),
        term_starts_on=iso(i.term_starts_on),
        term_ends_on=iso(i.term_ends_on),
        expires_on=iso(i.expires_on),
        replaced_by=i.replaced_by or "",
    )


def lot_to_proto(lot: Lot) -> pb.Lot:
    return pb.Lot(
        lot_id=lot.lot_id,
        paid_fen=lot.paid_fen,
        bonus_fen=lot.bonus_fen,
        list_amount_fen=lot.list_amount_fen,
        face_fen=lot.face_fen,
        face_used_fen=lot.face_used_fen,
        paid_used_fen=lot.paid_used_fen,
        refunded_fen=lot.refunded_fen,
        paid_open_fen=lot.paid_open_fen,
        face_open_fen=lot.face_open_fen,
        sessions=lot.sessions,
        sessions_used=lot.sessions_used,
        sold_at_ns=ns(lot.sold_at),
        list_prices=dict(lot.schedule.list_price_fen),
    )


def redemption_to_proto(r: Redemption, hold_hours: int) -> pb.Redemption:
    lapses = 0
    if r.status == RedemptionStatus.RECORDED:
        lapses = ns(r.recorded_at + timedelta(hours=hold_hours))
    return pb.Redemption(
        redemption_id=r.redemption_id,
        card_id=r.instrument_id,
        item=r.item,
        quantity=r.quantity,
        list_value_fen=r.list_value_fen,
        face_value_fen=r.face_value_fen,
        paid_value_fen=r.paid_value_fen,
        sessions=r.sessions,
        status=REDEMPTION_STATUS.to_proto(r.status),
        recorded_at_ns=ns(r.recorded_at),
        confirmed_at_ns=ns(r.confirmed_at),
        lapses_at_ns=lapses,
    )


def refund_to_proto(r: RefundRecord) -> pb.Refund:
    return pb.Refund(
        refund_id=r.record_id,
        card_id=r.instrument_id,
        holder_id=r.holder_id,
        kind=REFUND_KIND.to_proto(r.kind),
        reason=None if r.reason is None else REFUND_REASON.to_proto(r.reason),
        formula=r.formula,
        paid_in_fen=r.paid_in_fen,
        used_value_fen=r.used_value_fen,
        amount_fen=r.amount_fen,
        requested_at_ns=ns(r.requested_at),
        due_on=iso(r.due_on),
        channel=REFUND_CHANNEL.to_proto(r.channel),
        paid=r.paid_at is not None,
        paid_at_ns=ns(r.paid_at),
        paid_from_custody_fen=r.paid_from_custody_fen,
        paid_by_merchant_fen=r.paid_by_merchant_fen,
        late=r.late,
    )


def transfer_code_name(code: int) -> str:
    try:
        return TransferCode(code).name.lower()
    except ValueError:
        return str(code)
