"""How much a refund is (R18, R20): pure arithmetic over lots and redemptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ledger.custody.book import MerchantBook
from ledger.custody.decision import Refusal
from ledger.custody.instruments import Lot, PrepaidInstrument, RedemptionStatus
from ledger.custody.kinds import InstrumentKind, RefundReason
from ledger.custody.policy import CustodyPolicy


@dataclass(frozen=True, slots=True)
class RefundQuote:
    formula: str
    paid_in_fen: int  # principal still on the card before this refund
    used_value_fen: int  # value redeemed, priced per R20
    refund_fen: int


def cooling_off_quote(lot: Lot, policy: CustodyPolicy, now: datetime) -> RefundQuote | Refusal:
    """R18: a request within the window gets the lot's principal back."""
    window_ends = lot.sold_at + timedelta(days=policy.cooling_off_days)
    if now >= window_ends:
        return Refusal(
            "R18",
            "outside the cooling-off window",
            {
                "days_since_sale": (now - lot.sold_at).days,
                "cooling_off_days": policy.cooling_off_days,
            },
        )
    if policy.cooling_off_requires_unused and lot.face_used_fen:
        return Refusal(
            "R18",
            "part of this purchase was already redeemed",
            {"face_used_fen": lot.face_used_fen},
        )
    # Nationally the principal comes back; value already delivered stays priced at the
    # discounted rate (the reading most favourable to the consumer).
    return RefundQuote(
        "principal - used at paid/(paid+bonus)", lot.paid_fen, lot.paid_used_fen, lot.paid_open_fen
    )


def balance_quote(
    book: MerchantBook,
    inst: PrepaidInstrument,
    reason: RefundReason,
    now: datetime,
    service_stopped_on: date | None,
) -> RefundQuote:
    """R20: principal refunded = money prepaid - value already redeemed, never below zero."""
    lots = [lot for lot in book.lots_of(inst.instrument_id) if not lot.refunded_fen]
    paid_in = sum(lot.paid_fen for lot in lots)
    if inst.kind == InstrumentKind.MEMBERSHIP:
        return _membership_quote(inst, paid_in, now, service_stopped_on)
    discounted = sum(lot.paid_used_fen for lot in lots)
    if reason == RefundReason.MERCHANT_FAULT:
        used, formula = discounted, "paid - used face x paid/(paid+bonus)"
    else:
        used, formula = (
            max(discounted, _list_value_used(book, inst, lots)),
            "paid - used at list price",
        )
    used = min(used, paid_in)  # art.20: the consumer never owes more than the prepayment
    return RefundQuote(formula, paid_in, used, paid_in - used)


def _list_value_used(book: MerchantBook, inst: PrepaidInstrument, lots: list[Lot]) -> int:
    """List value of confirmed redemptions, counting only the part drawn from open lots."""
    open_ids = {lot.lot_id for lot in lots}
    total = 0
    for r in book.redemptions_of(inst.instrument_id):
        if r.status != RedemptionStatus.CONFIRMED or r.face_value_fen == 0:
            continue
        face_open = sum(d.face_fen for d in r.draws if d.lot_id in open_ids)
        total += r.list_value_fen * face_open // r.face_value_fen
    return total


def _membership_quote(
    inst: PrepaidInstrument, paid_in: int, now: datetime, stopped_on: date | None
) -> RefundQuote:
    """S3 art.22: paid x remaining term / total term; the remaining term counts from when the
    merchant stopped serving, if that came first."""
    assert inst.term_starts_on is not None and inst.term_ends_on is not None
    total = (inst.term_ends_on - inst.term_starts_on).days
    from_day = min(now.date(), stopped_on) if stopped_on else now.date()
    remaining = min(total, max(0, (inst.term_ends_on - max(from_day, inst.term_starts_on)).days))
    refund = paid_in * remaining // total
    return RefundQuote("paid x remaining days / term days", paid_in, paid_in - refund, refund)
