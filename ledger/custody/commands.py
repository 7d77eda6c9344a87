"""Commands: small immutable requests. Each carries a client-chosen id (idempotency key)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from ledger.custody.instruments import PriceSchedule
from ledger.custody.kinds import InstrumentKind, RefundReason


@dataclass(frozen=True, slots=True)
class Sell:
    """Issue a new instrument, or top up an existing one (same instrument id)."""

    command_id: UUID
    instrument_id: str
    holder_id: str
    kind: InstrumentKind
    registered: bool
    paid_fen: int
    bonus_fen: int = 0
    list_amount_fen: int = 0  # 0: same as face value
    sessions: int = 0
    schedule: PriceSchedule = field(default_factory=PriceSchedule)
    term_starts_on: date | None = None
    term_ends_on: date | None = None


class Initiator(enum.Enum):
    CONSUMER = "consumer"  # the consumer's own write-off counts as confirmed (R12)
    MERCHANT = "merchant"  # held until the consumer confirms, or lapses


@dataclass(frozen=True, slots=True)
class Redeem:
    command_id: UUID
    redemption_id: str
    instrument_id: str
    item: str
    quantity: int
    initiated_by: Initiator


@dataclass(frozen=True, slots=True)
class Release:
    command_id: UUID
    amount_fen: int


class RefundChannel(enum.Enum):
    BANK_ACCOUNT = "bank_account"  # in the holder's own name (R22)
    CASH = "cash"  # only for small balances (R22)


@dataclass(frozen=True, slots=True)
class RequestCoolingOffRefund:
    command_id: UUID
    refund_id: str
    lot_id: str
    channel: RefundChannel = RefundChannel.BANK_ACCOUNT


@dataclass(frozen=True, slots=True)
class RequestBalanceRefund:
    command_id: UUID
    refund_id: str
    instrument_id: str
    reason: RefundReason
    service_stopped_on: date | None = None  # memberships: remaining term counts from here
    channel: RefundChannel = RefundChannel.BANK_ACCOUNT


@dataclass(frozen=True, slots=True)
class PayRefund:
    command_id: UUID
    refund_id: str


@dataclass(frozen=True, slots=True)
class ReissueLostCard:
    command_id: UUID
    instrument_id: str
    new_instrument_id: str


@dataclass(frozen=True, slots=True)
class AssignCard:
    """Assignment takes effect when the merchant is notified (R23, S3 art.11)."""

    command_id: UUID
    instrument_id: str
    assignee_id: str
    new_instrument_id: str = ""  # needed for a partial assignment
    face_fen: int = 0  # 0: the whole card


@dataclass(frozen=True, slots=True)
class ConfirmRedemption:
    command_id: UUID
    redemption_id: str


@dataclass(frozen=True, slots=True)
class DisputeRedemption:
    command_id: UUID
    redemption_id: str


@dataclass(frozen=True, slots=True)
class ExpireRedemption:
    command_id: UUID
    redemption_id: str


@dataclass(frozen=True, slots=True)
class AccrueMemberships:
    """Move the elapsed share of membership principal to the merchant (PROGRESS schemes)."""

    command_id: UUID


@dataclass(frozen=True, slots=True)
class ReactivateCard:
    """An expired bearer card with money left is reactivated, never forfeited (R16)."""

    command_id: UUID
    instrument_id: str
