"""Pure rule checks and computations: sale gates, redemption pricing, what may be released.

Functions here return figures or lists of `Refusal`s; they build no transfers. Handlers in
sales.py, redemptions.py, release.py and refunds.py turn their answers into decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from ledger.custody.accounts import AccountKind
from ledger.custody.book import MerchantBook
from ledger.custody.commands import Sell
from ledger.custody.decision import Refusal
from ledger.custody.instruments import (
    SESSION_ITEM,
    Lot,
    LotDraw,
    PrepaidInstrument,
    RedemptionStatus,
)
from ledger.custody.kinds import InstrumentKind, MerchantStatus, ReleaseMode
from ledger.custody.policy import BPS, CustodyPolicy

FROZEN_STATUSES = frozenset(
    {MerchantStatus.CLOSING, MerchantStatus.DEFAULTED, MerchantStatus.CLOSED}
)


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (a licence issued 15 Jan is 6 months old on 15 Jul)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


# -- sales (R5, R16, R17, R27/R28) ----------------------------------------------------------------


def check_merchant_may_sell(
    book: MerchantBook, policy: CustodyPolicy, now: datetime
) -> list[Refusal]:
    m = book.merchant
    refusals: list[Refusal] = []
    if m.status == MerchantStatus.CLOSING:
        refusals.append(
            Refusal("R28", "no sales during the closure notice", {"status": m.status.value})
        )
    elif m.status in (MerchantStatus.DEFAULTED, MerchantStatus.CLOSED):
        refusals.append(
            Refusal("R27", "merchant may not sell in this status", {"status": m.status.value})
        )
    for flag in sorted(
        m.eligibility_flags & policy.eligibility.blocked_flags, key=lambda f: f.value
    ):
        refusals.append(
            Refusal(
                "R5", "merchant is listed and may not issue or renew cards", {"flag": flag.value}
            )
        )
    age = months_between(m.licensed_on, now.date())
    minimum = policy.eligibility.min_months_since_licence
    if age < minimum:
        refusals.append(
            Refusal(
                "R5",
                "licence too recent to sell prepaid products",
                {"months_since_licence": age, "min_months_since_licence": minimum},
            )
        )
    return refusals


def check_sale_caps(book: MerchantBook, policy: CustodyPolicy, cmd: Sell) -> list[Refusal]:
    """Caps apply to principal (paid money) outstanding on the card or with the consumer."""
    caps = policy.caps
    refusals: list[Refusal] = []
    card_after = _open_paid(book, cmd.instrument_id) + cmd.paid_fen
    card_cap = caps.registered_card_max_fen if cmd.registered else caps.bearer_card_max_fen
    if card_cap is not None and card_after > card_cap:
        kind = "registered" if cmd.registered else "bearer"
        refusals.append(
            Refusal(
                "R16", f"{kind} card value cap", {"card_after_fen": card_after, "cap_fen": card_cap}
            )
        )
    holder = [i for i in book.active_instruments() if i.holder_id == cmd.holder_id]
    kind_cap = caps.per_kind_max_fen.get(cmd.kind)
    if kind_cap is not None:
        same = sum(_open_paid(book, i.instrument_id) for i in holder if i.kind == cmd.kind)
        if same + cmd.paid_fen > kind_cap:
            refusals.append(
                Refusal(
                    "R17",
                    f"per-consumer cap for {cmd.kind.value}",
                    {"consumer_after_fen": same + cmd.paid_fen, "cap_fen": kind_cap},
                )
            )
    total_cap = caps.per_consumer_total_max_fen
    if total_cap is not None:
        total = sum(_open_paid(book, i.instrument_id) for i in holder) + cmd.paid_fen
        if total > total_cap:
            refusals.append(
                Refusal(
                    "R17",
                    "per-consumer total cap",
                    {"consumer_after_fen": total, "cap_fen": total_cap},
                )
            )
    refusals += _term_and_session_caps(book, policy, cmd)
    return refusals


def _term_and_session_caps(book: MerchantBook, policy: CustodyPolicy, cmd: Sell) -> list[Refusal]:
    caps = policy.caps
    refusals: list[Refusal] = []
    if caps.term_months_max is not None and cmd.term_starts_on and cmd.term_ends_on:
        probe = PrepaidInstrument(
            "",
            "",
            "",
            cmd.kind,
            cmd.registered,
            datetime.min,
            term_starts_on=cmd.term_starts_on,
            term_ends_on=cmd.term_ends_on,
        )
        if probe.term_months > caps.term_months_max:
            refusals.append(
                Refusal(
                    "R17",
                    "term too long",
                    {"term_months": probe.term_months, "cap_months": caps.term_months_max},
                )
            )
    if caps.sessions_max is not None and cmd.sessions:
        open_sessions = sum(
            lot.sessions - lot.sessions_used
            for lot in book.lots_of(cmd.instrument_id)
            if not lot.refunded_fen
        )
        if open_sessions + cmd.sessions > caps.sessions_max:
            refusals.append(
                Refusal(
                    "R17",
                    "too many sessions sold at once",
                    {
                        "sessions_after": open_sessions + cmd.sessions,
                        "cap_sessions": caps.sessions_max,
                    },
                )
            )
    return refusals


def _open_paid(book: MerchantBook, instrument_id: str) -> int:
    return sum(lot.paid_open_fen for lot in book.lots_of(instrument_id))


# -- redemption pricing (R20, R24) -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Priced:
    list_value_fen: int
    face_value_fen: int
    paid_value_fen: int
    sessions: int
    draws: tuple[LotDraw, ...]


def price_redemption(
    book: MerchantBook, inst: PrepaidInstrument, item: str, quantity: int
) -> Priced | Refusal:
    """Price from the schedule frozen on the oldest open lot; draw lots oldest first."""
    assert quantity > 0
    lots = [lot for lot in book.lots_of(inst.instrument_id) if lot.face_open_fen > 0]
    if not lots:
        return Refusal("R39", "nothing left on the card", {"face_open_fen": 0})
    price = lots[0].schedule.price_fen(item)
    if price is None:
        return Refusal("R24", "item not in the price schedule frozen at sale", {"item": item})
    list_value = price * quantity
    if inst.kind == InstrumentKind.SESSION_PACK:
        if item != SESSION_ITEM:
            return Refusal("R24", "a session pack redeems sessions only", {"item": item})
        draws = _draw_sessions(lots, quantity)
    else:
        draws = draw_face(lots, list_value)
    if draws is None:
        face_open = sum(lot.face_open_fen for lot in lots)
        return Refusal(
            "R39",
            "a card may never go negative",
            {"face_open_fen": face_open, "face_wanted_fen": list_value, "quantity": quantity},
        )
    return Priced(
        list_value,
        sum(d.face_fen for d in draws),
        sum(d.paid_fen for d in draws),
        sum(d.sessions for d in draws),
        tuple(draws),
    )


def _paid_for_face(lot: Lot, face_used_after: int) -> int:
    """Paid value of a face amount: face x paid / (paid + bonus), cumulative per lot so that a
    fully used lot books exactly its paid amount; clamped because a voided hold may leave the
    running figure a fen ahead of the floor."""
    return max(0, face_used_after * lot.paid_fen // lot.face_fen - lot.paid_used_fen)


def draw_face(lots: list[Lot], face_fen: int) -> list[LotDraw] | None:
    draws: list[LotDraw] = []
    left = face_fen
    for lot in lots:
        if left == 0:
            break
        take = min(left, lot.face_open_fen)
        draws.append(LotDraw(lot.lot_id, take, _paid_for_face(lot, lot.face_used_fen + take)))
        left -= take
    return draws if left == 0 else None


def _draw_sessions(lots: list[Lot], sessions: int) -> list[LotDraw] | None:
    draws: list[LotDraw] = []
    left = sessions
    for lot in lots:
        open_sessions = lot.sessions - lot.sessions_used
        if left == 0 or open_sessions <= 0:
            continue
        k = min(left, open_sessions)
        face_after = (lot.sessions_used + k) * lot.face_fen // lot.sessions
        face = face_after - lot.face_used_fen
        draws.append(LotDraw(lot.lot_id, face, _paid_for_face(lot, face_after), k))
        left -= k
    return draws if left == 0 else None


def apply_draw(lot: Lot, draw: LotDraw, sign: int) -> Lot:
    """Record (sign=+1) or give back (sign=-1) one draw on its lot."""
    assert draw.lot_id == lot.lot_id and sign in (1, -1)
    return replace(
        lot,
        face_used_fen=lot.face_used_fen + sign * draw.face_fen,
        paid_used_fen=lot.paid_used_fen + sign * draw.paid_fen,
        sessions_used=lot.sessions_used + sign * draw.sessions,
    )


# -- release (R6, R12-R15) -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReleaseAssessment:
    """How much may leave custody now, and the rule that binds it."""

    amount_fen: int
    binding_rule: str
    figures: dict[str, int]


def in_cooling_off(lot: Lot, policy: CustodyPolicy, now: datetime, extra_days: int = 0) -> bool:
    return now < lot.sold_at + timedelta(days=max(policy.cooling_off_days, extra_days))


def required_custody_fen(book: MerchantBook, policy: CustodyPolicy, now: datetime) -> int:
    """ratio x outstanding, less guarantee cover (R6, R13), with lots inside cooling-off held in
    full (R14) and refunds awaiting payment held in full."""
    hold_days = policy.release_delay_days if policy.release_mode == ReleaseMode.RATIO_SURPLUS else 0
    # A use the consumer has not confirmed still belongs to the lot: a dispute or a lapse gives
    # it back, so it stays locked with the lot's open principal.
    unconfirmed: dict[str, int] = {}
    for r in book.redemptions.values():
        if r.status == RedemptionStatus.RECORDED:
            for d in r.draws:
                unconfirmed[d.lot_id] = unconfirmed.get(d.lot_id, 0) + d.paid_fen
    locked = sum(
        lot.paid_open_fen + unconfirmed.get(lot.lot_id, 0)
        for inst in book.active_instruments()
        for lot in book.lots_of(inst.instrument_id)
        if in_cooling_off(lot, policy, now, hold_days)
    )
    outstanding = book.outstanding_fen()
    locked = min(locked, outstanding)
    ratio = policy.ratio_bps(book.merchant.issuer_class)
    ratio_part = -(-(outstanding - locked) * ratio // BPS)  # ceil: never under-reserve by a fen
    payable = book.balance(AccountKind.CONSUMER_REFUND_PAYABLE)
    return max(0, ratio_part - book.cover_fen()) + locked + payable


def releasable(book: MerchantBook, policy: CustodyPolicy, now: datetime) -> ReleaseAssessment:
    status = book.merchant.status
    if status in FROZEN_STATUSES:
        return ReleaseAssessment(0, "R15", {"status_frozen": 1})
    cash = book.balance(AccountKind.CUSTODY_CASH)
    required = required_custody_fen(book, policy, now)
    headroom = max(0, cash - required)
    figures = {"custody_cash_fen": cash, "required_fen": required, "headroom_fen": headroom}
    if policy.release_mode == ReleaseMode.RATIO_SURPLUS:
        return ReleaseAssessment(headroom, "R13", figures)
    earned = book.balance(AccountKind.MERCHANT_EARNED)
    immature = _immature_earned_fen(book, policy, now)
    matured = max(0, earned - immature)
    figures |= {"earned_fen": earned, "immature_fen": immature, "matured_fen": matured}
    if matured <= headroom:
        rule = "R14" if immature and matured < earned else "R12"
        return ReleaseAssessment(matured, rule, figures)
    return ReleaseAssessment(headroom, "R13", figures)


def _immature_earned_fen(book: MerchantBook, policy: CustodyPolicy, now: datetime) -> int:
    """Confirmed value not yet releasable: inside the release delay, or drawn from a lot that
    is still inside its cooling-off window (R14)."""
    delay = timedelta(days=policy.release_delay_days)
    immature = 0
    for r in book.redemptions.values():
        if r.status != RedemptionStatus.CONFIRMED:
            continue
        young = r.confirmed_at is not None and now < r.confirmed_at + delay
        for d in r.draws:
            lot = book.lots.get(d.lot_id)
            cooling = lot is not None and in_cooling_off(lot, policy, now)
            if young or cooling:
                immature += d.paid_fen
    return immature
