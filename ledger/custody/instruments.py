"""Merchants, prepaid instruments, lots and redemptions: immutable records."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from ledger.custody.kinds import (
    CreditGrade,
    EligibilityFlag,
    InstrumentKind,
    IssuerClass,
    MerchantStatus,
)

SESSION_ITEM = "session"  # the schedule key for one session of a session pack


@dataclass(frozen=True, slots=True)
class Merchant:
    merchant_id: str
    issuer_class: IssuerClass
    industry: str
    jurisdiction: str
    credit_grade: CreditGrade
    licensed_on: date
    status: MerchantStatus = MerchantStatus.NORMAL
    eligibility_flags: frozenset[EligibilityFlag] = frozenset()
    pool_id: str = "CN"  # the first-compensation pool the merchant belongs to
    notice_ends_on: date | None = None  # set when closing (R27/R28)


@dataclass(frozen=True, slots=True)
class PriceSchedule:
    """List prices in fen, frozen at sale: redemptions use these, never today's (R24)."""

    list_price_fen: Mapping[str, int] = field(default_factory=dict)

    def price_fen(self, item: str) -> int | None:
        return self.list_price_fen.get(item)


class InstrumentStatus(enum.Enum):
    ACTIVE = "active"
    REFUNDED = "refunded"
    REPLACED = "replaced"  # lost card reissued: the balance moved to `replaced_by`
    ASSIGNED_AWAY = "assigned_away"
    SETTLED_IN_DEFAULT = "settled_in_default"


@dataclass(frozen=True, slots=True)
class PrepaidInstrument:
    instrument_id: str
    merchant_id: str
    holder_id: str
    kind: InstrumentKind
    registered: bool
    issued_at: datetime
    form: str = "virtual"  # R2: physical or virtual; the ledger treats both alike
    term_starts_on: date | None = None  # memberships and term-capped packs
    term_ends_on: date | None = None
    expires_on: date | None = None  # bearer cards only (R16)
    status: InstrumentStatus = InstrumentStatus.ACTIVE
    replaced_by: str | None = None

    @property
    def term_months(self) -> int:
        if self.term_starts_on is None or self.term_ends_on is None:
            return 0
        s, e = self.term_starts_on, self.term_ends_on
        return (e.year - s.year) * 12 + e.month - s.month + (1 if e.day > s.day else 0)


@dataclass(frozen=True, slots=True)
class Lot:
    """One sale or top-up. Face value = paid + bonus; only `paid` is money (principal)."""

    lot_id: str
    instrument_id: str
    paid_fen: int
    bonus_fen: int
    list_amount_fen: int  # pre-discount list price of what was bought (R20)
    sold_at: datetime  # starts the cooling-off window (R18)
    schedule: PriceSchedule = PriceSchedule()
    sessions: int = 0  # session packs only
    face_used_fen: int = 0
    paid_used_fen: int = 0
    sessions_used: int = 0
    refunded_fen: int = 0  # principal refunded out of this lot

    def __post_init__(self) -> None:
        # paid may be 0 only for a lot split off by a partial assignment of pure bonus value.
        assert self.paid_fen >= 0 and self.bonus_fen >= 0 and self.list_amount_fen >= 0
        assert self.face_fen > 0
        assert 0 <= self.face_used_fen <= self.face_fen
        assert 0 <= self.paid_used_fen + self.refunded_fen <= self.paid_fen
        assert 0 <= self.sessions_used <= self.sessions

    @property
    def face_fen(self) -> int:
        return self.paid_fen + self.bonus_fen

    @property
    def face_open_fen(self) -> int:
        return 0 if self.refunded_fen else self.face_fen - self.face_used_fen

    @property
    def paid_open_fen(self) -> int:
        return self.paid_fen - self.paid_used_fen - self.refunded_fen


@dataclass(frozen=True, slots=True)
class LotDraw:
    """The part of one redemption taken from one lot."""

    lot_id: str
    face_fen: int
    paid_fen: int
    sessions: int = 0


class RedemptionStatus(enum.Enum):
    RECORDED = "recorded"  # merchant-initiated, awaiting the consumer (a pending hold)
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Redemption:
    redemption_id: str
    instrument_id: str
    merchant_id: str
    item: str
    quantity: int
    list_value_fen: int  # priced from the schedule frozen at sale (R24)
    face_value_fen: int
    paid_value_fen: int  # face x paid / (paid + bonus), lot by lot (R20)
    sessions: int
    draws: tuple[LotDraw, ...]
    status: RedemptionStatus
    recorded_at: datetime
    hold_transfer_id: str = ""  # the pending transfer, when merchant-initiated
    confirmed_at: datetime | None = None
