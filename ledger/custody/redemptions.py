"""Redemptions: priced from the frozen schedule (R24), held until confirmed (R12).

A consumer-initiated write-off posts at once. A merchant-initiated one becomes a pending hold on
the card that the consumer confirms (post) or disputes (void); unconfirmed holds lapse after the
policy's timeout, when the engine's `expire` voids them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID

from ledger.custody.accounts import (
    AccountKind,
    TransferCode,
    account_id,
    leg,
    linked,
    transfer_id,
)
from ledger.custody.book import MerchantBook
from ledger.custody.commands import (
    AccrueMemberships,
    ConfirmRedemption,
    DisputeRedemption,
    ExpireRedemption,
    Initiator,
    Redeem,
)
from ledger.custody.decision import Accepted, Decision, InvalidCommand, refuse
from ledger.custody.instruments import (
    InstrumentStatus,
    Lot,
    PrepaidInstrument,
    Redemption,
    RedemptionStatus,
)
from ledger.custody.kinds import InstrumentKind, MerchantStatus, ReleaseMode
from ledger.custody.policy import CustodyPolicy
from ledger.custody.rules import Priced, apply_draw, price_redemption
from ledger.model import Transfer, TransferFlags


def record_redemption(
    book: MerchantBook, cmd: Redeem, policy: CustodyPolicy, now: datetime
) -> Decision:
    inst = _active(book, cmd.instrument_id)
    if cmd.quantity <= 0 or inst.kind == InstrumentKind.MEMBERSHIP:
        raise InvalidCommand("redeem a positive quantity of a stored-value card or session pack")
    if cmd.redemption_id in book.redemptions:
        raise InvalidCommand(f"redemption {cmd.redemption_id} exists")
    if book.merchant.status in (MerchantStatus.DEFAULTED, MerchantStatus.CLOSED):
        return refuse("R27", "redemption terminated", status=book.merchant.status.value)
    if inst.expires_on is not None and now.date() > inst.expires_on:
        return refuse(
            "R16",
            "expired bearer card: reactivate or exchange first",
            expires_on=inst.expires_on.isoformat(),
        )
    priced = price_redemption(book, inst, cmd.item, cmd.quantity)
    if not isinstance(priced, Priced):
        return refuse(priced.rule, priced.message, **priced.figures)
    confirmed = cmd.initiated_by == Initiator.CONSUMER
    transfers: list[Transfer] = []
    hold_id = ""
    if priced.paid_value_fen > 0:
        t = _redemption_leg(cmd.command_id, inst, book, priced.paid_value_fen)
        if not confirmed:
            timeout_s = policy.redemption_hold_timeout_hours * 3600
            t = replace(t, flags=int(TransferFlags.PENDING), timeout_s=timeout_s)
            hold_id = str(t.id)
        transfers.append(t)
        if confirmed:
            transfers += _netting(cmd.command_id, book, priced.paid_value_fen)
    redemption = Redemption(
        redemption_id=cmd.redemption_id,
        instrument_id=inst.instrument_id,
        merchant_id=book.merchant.merchant_id,
        item=cmd.item,
        quantity=cmd.quantity,
        list_value_fen=priced.list_value_fen,
        face_value_fen=priced.face_value_fen,
        paid_value_fen=priced.paid_value_fen,
        sessions=priced.sessions,
        draws=priced.draws,
        status=RedemptionStatus.CONFIRMED if confirmed else RedemptionStatus.RECORDED,
        recorded_at=now,
        hold_transfer_id=hold_id,
        confirmed_at=now if confirmed else None,
    )
    lots = [apply_draw(book.lots[d.lot_id], d, +1) for d in priced.draws]
    return Accepted(linked(transfers), (*lots, redemption), policy.version)


def confirm_redemption(
    book: MerchantBook, cmd: ConfirmRedemption, policy: CustodyPolicy, now: datetime
) -> Decision:
    r = _recorded(book, cmd.redemption_id)
    lapses_at = r.recorded_at + timedelta(hours=policy.redemption_hold_timeout_hours)
    if now >= lapses_at:
        return refuse(
            "R12",
            "the unconfirmed use has lapsed",
            lapsed_at=lapses_at.isoformat(),
        )
    transfers: list[Transfer] = []
    if r.hold_transfer_id:
        transfers.append(_resolve(cmd.command_id, "post", book, r, TransferFlags.POST_PENDING))
        transfers += _netting(cmd.command_id, book, r.paid_value_fen)
    done = replace(r, status=RedemptionStatus.CONFIRMED, confirmed_at=now)
    return Accepted(linked(transfers), (done,), policy.version)


def dispute_redemption(
    book: MerchantBook, cmd: DisputeRedemption, policy: CustodyPolicy, now: datetime
) -> Decision:
    """The consumer rejects the merchant's write-off: void the hold, give the lots back."""
    r = _recorded(book, cmd.redemption_id)
    lapses_at = r.recorded_at + timedelta(hours=policy.redemption_hold_timeout_hours)
    if now >= lapses_at:
        return refuse(
            "R12", "the hold has lapsed: expire it instead", lapsed_at=lapses_at.isoformat()
        )
    transfers: tuple[Transfer, ...] = ()
    if r.hold_transfer_id:
        transfers = (_resolve(cmd.command_id, "void", book, r, TransferFlags.VOID_PENDING),)
    return Accepted(transfers, (*_give_back(book, r), replace(r, status=RedemptionStatus.DISPUTED)))


def expire_redemption(
    book: MerchantBook, cmd: ExpireRedemption, policy: CustodyPolicy, now: datetime
) -> Decision:
    """Records only: the engine's `expire` writes the void entry for the lapsed hold."""
    r = _recorded(book, cmd.redemption_id)
    lapses_at = r.recorded_at + timedelta(hours=policy.redemption_hold_timeout_hours)
    if now < lapses_at:
        return refuse("R12", "the hold has not lapsed yet", lapses_at=lapses_at.isoformat())
    return Accepted((), (*_give_back(book, r), replace(r, status=RedemptionStatus.EXPIRED)))


def accrue_memberships(
    book: MerchantBook, cmd: AccrueMemberships, policy: CustodyPolicy, now: datetime
) -> Decision:
    """Earn the elapsed share of each membership: paid x elapsed days / term days (R12, R20)."""
    if policy.release_mode == ReleaseMode.PER_USE:
        return refuse("R12", "per-use schemes earn only by confirmed redemptions")
    transfers: list[Transfer] = []
    lots: list[Lot] = []
    for inst in book.active_instruments():
        if inst.kind != InstrumentKind.MEMBERSHIP:
            continue
        assert inst.term_starts_on is not None and inst.term_ends_on is not None
        total = (inst.term_ends_on - inst.term_starts_on).days
        elapsed = min(total, max(0, (now.date() - inst.term_starts_on).days))
        for lot in book.lots_of(inst.instrument_id):
            if lot.refunded_fen:
                continue
            due = lot.paid_fen * elapsed // total - lot.paid_used_fen
            if due <= 0:
                continue
            transfers.append(_redemption_leg(cmd.command_id, inst, book, due, lot.lot_id))
            face = lot.face_fen * elapsed // total
            lots.append(replace(lot, paid_used_fen=lot.paid_used_fen + due, face_used_fen=face))
    return Accepted(tuple(transfers), tuple(lots), policy.version)


# -- helpers ---------------------------------------------------------------------------------------


def _active(book: MerchantBook, instrument_id: str) -> PrepaidInstrument:
    inst = book.instrument(instrument_id)
    if inst is None or inst.status != InstrumentStatus.ACTIVE:
        raise InvalidCommand(f"no active instrument {instrument_id}")
    return inst


def _recorded(book: MerchantBook, redemption_id: str) -> Redemption:
    r = book.redemptions.get(redemption_id)
    if r is None or r.status != RedemptionStatus.RECORDED:
        raise InvalidCommand(f"redemption {redemption_id} is not awaiting confirmation")
    return r


def _redemption_leg(
    command_id: UUID,
    inst: PrepaidInstrument,
    book: MerchantBook,
    paid_fen: int,
    lot_id: str = "",
) -> Transfer:
    code = TransferCode.MEMBERSHIP_ACCRUAL if lot_id else TransferCode.REDEMPTION
    return leg(
        command_id,
        f"redeem:{lot_id or inst.instrument_id}",
        account_id(AccountKind.CARD_LIABILITY, inst.instrument_id),
        account_id(AccountKind.MERCHANT_EARNED, book.merchant.merchant_id),
        paid_fen,
        code,
        {"instrument": inst.instrument_id},
    )


def _netting(command_id: UUID, book: MerchantBook, earned_fen: int) -> list[Transfer]:
    """Newly earned value first repays cash the merchant already took ahead of use."""
    advance = book.balance(AccountKind.MERCHANT_RELEASED)
    amount = min(advance, earned_fen)
    if amount <= 0:
        return []
    merchant_id = book.merchant.merchant_id
    return [
        leg(
            command_id,
            "netting",
            account_id(AccountKind.MERCHANT_EARNED, merchant_id),
            account_id(AccountKind.MERCHANT_RELEASED, merchant_id),
            amount,
            TransferCode.ADVANCE_NETTING,
        )
    ]


def _resolve(
    command_id: UUID, name: str, book: MerchantBook, r: Redemption, flag: TransferFlags
) -> Transfer:
    return Transfer(
        id=transfer_id(command_id, name),
        debit_account_id=account_id(AccountKind.CARD_LIABILITY, r.instrument_id),
        credit_account_id=account_id(AccountKind.MERCHANT_EARNED, book.merchant.merchant_id),
        amount=r.paid_value_fen if flag == TransferFlags.POST_PENDING else 0,
        currency="CNY",
        code=int(TransferCode.REDEMPTION),
        flags=int(flag),
        pending_id=UUID(r.hold_transfer_id),
    )


def _give_back(book: MerchantBook, r: Redemption) -> list[Lot]:
    return [apply_draw(book.lots[d.lot_id], d, -1) for d in r.draws]
