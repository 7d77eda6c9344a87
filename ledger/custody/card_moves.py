"""Moving a balance between instruments: lost-card reissue, assignment, reactivation (R16, R23).

Money moves card to card inside the merchant's custody, so custody cash and the outstanding
balance are unchanged; lots travel with their paid, bonus and frozen schedule (R24).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID

from ledger.custody.accounts import AccountKind, TransferCode, account_id, leg, make_account
from ledger.custody.book import MerchantBook
from ledger.custody.commands import AssignCard, ReactivateCard, ReissueLostCard
from ledger.custody.decision import Accepted, Decision, InvalidCommand, refuse
from ledger.custody.instruments import InstrumentStatus, Lot, PrepaidInstrument
from ledger.custody.kinds import InstrumentKind
from ledger.custody.policy import CustodyPolicy
from ledger.custody.rules import apply_draw, draw_face
from ledger.model import Account, Transfer


def reissue_lost_card(
    book: MerchantBook, cmd: ReissueLostCard, policy: CustodyPolicy, now: datetime
) -> Decision:
    """S3 art.24: a lost registered card is replaced and its whole balance moves over."""
    inst = _active(book, cmd.instrument_id)
    if not inst.registered:
        return refuse("R23", "only registered cards can be reissued", registered=0)
    pending = book.card_pending_fen(inst.instrument_id)
    if pending:
        return refuse(
            "R12", "unconfirmed uses must be confirmed or lapse first", pending_fen=pending
        )
    new = replace(inst, instrument_id=cmd.new_instrument_id, issued_at=now)
    old = replace(inst, status=InstrumentStatus.REPLACED, replaced_by=cmd.new_instrument_id)
    lots = [
        replace(lot, instrument_id=new.instrument_id) for lot in book.lots_of(inst.instrument_id)
    ]
    moved = book.card_balance(inst.instrument_id)
    transfers = _move(cmd.command_id, inst.instrument_id, new.instrument_id, moved)
    return Accepted(transfers, (old, new, *lots), policy.version, (_card_account(new),))


def assign_card(
    book: MerchantBook, cmd: AssignCard, policy: CustodyPolicy, now: datetime
) -> Decision:
    """S3 art.11: effective on notice to the merchant; unlimited-use cards are never split."""
    inst = _active(book, cmd.instrument_id)
    if cmd.face_fen == 0:
        return Accepted((), (replace(inst, holder_id=cmd.assignee_id),), policy.version)
    if inst.kind == InstrumentKind.MEMBERSHIP:
        return refuse("R23", "an unlimited-use membership may not be split", face_fen=cmd.face_fen)
    if inst.kind != InstrumentKind.STORED_VALUE or not cmd.new_instrument_id or cmd.face_fen < 0:
        raise InvalidCommand("partial assignment: stored value, positive face, new instrument id")
    pending = book.card_pending_fen(inst.instrument_id)
    if pending:
        return refuse(
            "R12", "unconfirmed uses must be confirmed or lapse first", pending_fen=pending
        )
    open_lots = [lot for lot in book.lots_of(inst.instrument_id) if lot.face_open_fen > 0]
    draws = draw_face(open_lots, cmd.face_fen)
    if draws is None:
        face_open = sum(lot.face_open_fen for lot in open_lots)
        return refuse(
            "R39",
            "a card may never go negative",
            face_open_fen=face_open,
            face_wanted_fen=cmd.face_fen,
        )
    new = replace(
        inst, instrument_id=cmd.new_instrument_id, holder_id=cmd.assignee_id, issued_at=now
    )
    records: list[object] = [new]
    for d in draws:
        source = book.lots[d.lot_id]
        records.append(apply_draw(source, d, +1))
        # The assignee inherits the original sale date: the cooling-off belongs to the buyer.
        records.append(
            Lot(
                f"{new.instrument_id}/{d.lot_id}",
                new.instrument_id,
                d.paid_fen,
                d.face_fen - d.paid_fen,
                d.face_fen,
                source.sold_at,
                source.schedule,
            )
        )
    moved = sum(d.paid_fen for d in draws)
    transfers = _move(cmd.command_id, inst.instrument_id, new.instrument_id, moved)
    return Accepted(transfers, tuple(records), policy.version, (_card_account(new),))


def reactivate_card(
    book: MerchantBook, cmd: ReactivateCard, policy: CustodyPolicy, now: datetime
) -> Decision:
    inst = _active(book, cmd.instrument_id)
    if inst.expires_on is None or now.date() <= inst.expires_on:
        raise InvalidCommand(f"instrument {inst.instrument_id} has not expired")
    expires_on = (now + timedelta(days=policy.bearer_validity_days_min)).date()
    return Accepted((), (replace(inst, expires_on=expires_on),), policy.version)


def _active(book: MerchantBook, instrument_id: str) -> PrepaidInstrument:
    inst = book.instrument(instrument_id)
    if inst is None or inst.status != InstrumentStatus.ACTIVE:
        raise InvalidCommand(f"no active instrument {instrument_id}")
    return inst


def _move(command_id: UUID, old_id: str, new_id: str, amount_fen: int) -> tuple[Transfer, ...]:
    if amount_fen <= 0:
        return ()
    old = account_id(AccountKind.CARD_LIABILITY, old_id)
    new = account_id(AccountKind.CARD_LIABILITY, new_id)
    meta = {"from": old_id, "to": new_id}
    return (leg(command_id, "card-move", old, new, amount_fen, TransferCode.CARD_MOVE, meta),)


def _card_account(inst: PrepaidInstrument) -> Account:
    return make_account(AccountKind.CARD_LIABILITY, inst.instrument_id)
