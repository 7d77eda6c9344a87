"""Refund commands: book the refund (card -> refund payable), then pay it by the deadline.

Booking and paying are separate so the refund register can show the deadline (R18/R19) and
whether it was met. A refund is paid from custody as far as the custody requirement allows;
the rest is charged to the cash the merchant took ahead of use (ratio schemes), which the
identity custody + advance = cards + earned + payable always makes sufficient.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from uuid import UUID

from ledger.custody.accounts import AccountKind, TransferCode, account_id, leg, linked
from ledger.custody.book import MerchantBook
from ledger.custody.commands import (
    PayRefund,
    RefundChannel,
    RequestBalanceRefund,
    RequestCoolingOffRefund,
)
from ledger.custody.decision import Accepted, Decision, InvalidCommand, Refused, refuse
from ledger.custody.instruments import InstrumentStatus, Lot, PrepaidInstrument, RedemptionStatus
from ledger.custody.kinds import MerchantStatus, RefundKind, RefundReason
from ledger.custody.policy import CustodyPolicy
from ledger.custody.refund_rules import RefundQuote, balance_quote, cooling_off_quote
from ledger.custody.rules import required_custody_fen
from ledger.model import Transfer


@dataclass(frozen=True, slots=True)
class RefundRecord:
    """One line of the refund register (regulator artefact 8)."""

    record_id: str
    merchant_id: str
    instrument_id: str
    holder_id: str
    kind: RefundKind
    reason: RefundReason | None
    formula: str
    paid_in_fen: int
    used_value_fen: int
    amount_fen: int
    requested_at: datetime
    due_on: date
    channel: RefundChannel
    paid_at: datetime | None = None
    paid_from_custody_fen: int = 0
    paid_by_merchant_fen: int = 0

    @property
    def late(self) -> bool:
        return self.paid_at is not None and self.paid_at.date() > self.due_on


def request_cooling_off_refund(
    book: MerchantBook, cmd: RequestCoolingOffRefund, policy: CustodyPolicy, now: datetime
) -> Decision:
    lot = book.lots.get(cmd.lot_id)
    if lot is None or lot.refunded_fen:
        raise InvalidCommand(f"no open lot {cmd.lot_id}")
    inst = _active(book, lot.instrument_id)
    quote = cooling_off_quote(lot, policy, now)
    if not isinstance(quote, RefundQuote):
        return Refused((quote,))
    blocked = _blocked(book, inst, quote, cmd.channel, policy)
    if blocked is not None:
        return blocked
    record = _record(
        book,
        inst,
        cmd.refund_id,
        RefundKind.COOLING_OFF,
        None,
        quote,
        now,
        now.date() + timedelta(days=policy.cooling_off_refund_deadline_days),
        cmd.channel,
    )
    transfers = [_booked(cmd.command_id, book, inst, quote.refund_fen)]
    refunded = replace(lot, refunded_fen=quote.refund_fen)
    return Accepted(tuple(transfers), (refunded, record), policy.version)


def request_balance_refund(
    book: MerchantBook, cmd: RequestBalanceRefund, policy: CustodyPolicy, now: datetime
) -> Decision:
    inst = _active(book, cmd.instrument_id)
    quote = balance_quote(book, inst, cmd.reason, now, cmd.service_stopped_on)
    blocked = _blocked(book, inst, quote, cmd.channel, policy)
    if blocked is not None:
        return blocked
    card = book.card_balance(inst.instrument_id)
    lots = [lot for lot in book.lots_of(inst.instrument_id) if not lot.refunded_fen]
    assert card == sum(lot.paid_open_fen for lot in lots), "lots and ledger disagree"
    assert quote.refund_fen <= card, "a refund may not exceed what is on the card"
    transfers: list[Transfer] = []
    extra_used = card - quote.refund_fen  # list pricing or elapsed term earned by the merchant
    if extra_used:
        transfers.append(
            leg(
                cmd.command_id,
                "used-value",
                account_id(AccountKind.CARD_LIABILITY, inst.instrument_id),
                account_id(AccountKind.MERCHANT_EARNED, book.merchant.merchant_id),
                extra_used,
                TransferCode.REFUND_USED_VALUE,
            )
        )
    transfers.append(_booked(cmd.command_id, book, inst, quote.refund_fen))
    record = _record(
        book,
        inst,
        cmd.refund_id,
        RefundKind.BALANCE,
        cmd.reason,
        quote,
        now,
        now.date() + timedelta(days=policy.balance_refund_deadline_days),
        cmd.channel,
    )
    closed = replace(inst, status=InstrumentStatus.REFUNDED)
    return Accepted(
        linked(transfers), (*_close_lots(lots, quote.refund_fen), closed, record), policy.version
    )


def pay_refund(
    book: MerchantBook, cmd: PayRefund, policy: CustodyPolicy, now: datetime
) -> Decision:
    record = book.records.get(cmd.refund_id)
    if not isinstance(record, RefundRecord) or record.paid_at is not None:
        raise InvalidCommand(f"no unpaid refund {cmd.refund_id}")
    # What is still payable: a part the merchant already paid stays paid when the bank fails
    # the custody part's instruction.
    amount = record.amount_fen - record.paid_by_merchant_fen
    cash = book.balance(AccountKind.CUSTODY_CASH)
    if book.merchant.status in (MerchantStatus.DEFAULTED, MerchantStatus.CLOSED):
        from_custody = min(amount, cash)  # R15: custody money now serves refunds only
        if from_custody < amount:
            return refuse(
                "R30",
                "custody is short: settle through the default waterfall",
                refund_fen=amount,
                custody_cash_fen=cash,
            )
    else:
        required_after = required_custody_fen(book, policy, now) - amount
        from_custody = min(amount, max(0, cash - required_after))
    by_merchant = amount - from_custody
    advanced = book.balance(AccountKind.MERCHANT_RELEASED)
    if by_merchant > advanced:
        # The identity custody + advance = cards + earned + payable covers the rest once the
        # merchant's own payouts have settled; an advance still held by a pending instruction
        # is not yet the merchant's to charge.
        return refuse(
            "INSTRUCTION",
            "a payout to the merchant is still with the bank: pay once it is confirmed or failed",
            refund_fen=amount,
            from_custody_fen=from_custody,
            due_from_merchant_fen=by_merchant,
            advanced_fen=advanced,
        )
    merchant_id = book.merchant.merchant_id
    payable = account_id(AccountKind.CONSUMER_REFUND_PAYABLE, merchant_id)
    meta = {"refund": record.record_id, "holder": record.holder_id, "channel": record.channel.value}
    transfers: list[Transfer] = []
    if from_custody:
        transfers.append(
            leg(
                cmd.command_id,
                "paid",
                payable,
                account_id(AccountKind.CUSTODY_CASH, merchant_id),
                from_custody,
                TransferCode.REFUND_PAID,
                meta,
            )
        )
    if by_merchant:
        transfers.append(
            leg(
                cmd.command_id,
                "paid-by-merchant",
                payable,
                account_id(AccountKind.MERCHANT_RELEASED, merchant_id),
                by_merchant,
                TransferCode.REFUND_PAID_BY_MERCHANT,
                meta,
            )
        )
    paid = replace(
        record,
        paid_at=now,
        paid_from_custody_fen=from_custody,
        paid_by_merchant_fen=record.paid_by_merchant_fen + by_merchant,
    )
    return Accepted(linked(transfers), (paid,), policy.version)


# -- helpers ---------------------------------------------------------------------------------------


def _active(book: MerchantBook, instrument_id: str) -> PrepaidInstrument:
    inst = book.instrument(instrument_id)
    if inst is None or inst.status != InstrumentStatus.ACTIVE:
        raise InvalidCommand(f"no active instrument {instrument_id}")
    return inst


def _blocked(
    book: MerchantBook,
    inst: PrepaidInstrument,
    quote: RefundQuote,
    channel: RefundChannel,
    policy: CustodyPolicy,
) -> Refused | None:
    pending = book.card_pending_fen(inst.instrument_id)
    if pending:
        return refuse(
            "R12", "unconfirmed uses must be confirmed or lapse first", pending_fen=pending
        )
    # A lapsed use's hold is voided by the ledger before the scheduler expires its record;
    # until then the lots still count the use, so the refund would disagree with the card.
    awaiting = [
        r.redemption_id
        for r in book.redemptions_of(inst.instrument_id)
        if r.status == RedemptionStatus.RECORDED
    ]
    if awaiting:
        return refuse(
            "R12", "an unconfirmed use must be confirmed or expire first", redemption=awaiting[0]
        )
    if quote.refund_fen <= 0:
        return refuse(
            "R20",
            "nothing left to refund",
            paid_in_fen=quote.paid_in_fen,
            used_value_fen=quote.used_value_fen,
        )
    if channel == RefundChannel.CASH and quote.refund_fen > policy.cash_refund_max_fen:
        return refuse(
            "R22",
            "cash refunds only for small balances; pay to the holder's own account",
            refund_fen=quote.refund_fen,
            cash_max_fen=policy.cash_refund_max_fen,
        )
    return None


def _booked(command_id: UUID, book: MerchantBook, inst: PrepaidInstrument, amount: int) -> Transfer:
    return leg(
        command_id,
        "booked",
        account_id(AccountKind.CARD_LIABILITY, inst.instrument_id),
        account_id(AccountKind.CONSUMER_REFUND_PAYABLE, book.merchant.merchant_id),
        amount,
        TransferCode.REFUND_BOOKED,
        {"instrument": inst.instrument_id},
    )


def _record(
    book: MerchantBook,
    inst: PrepaidInstrument,
    refund_id: str,
    kind: RefundKind,
    reason: RefundReason | None,
    quote: RefundQuote,
    now: datetime,
    due_on: date,
    channel: RefundChannel,
) -> RefundRecord:
    if refund_id in book.records:
        raise InvalidCommand(f"refund {refund_id} exists")
    return RefundRecord(
        refund_id,
        book.merchant.merchant_id,
        inst.instrument_id,
        inst.holder_id,
        kind,
        reason,
        quote.formula,
        quote.paid_in_fen,
        quote.used_value_fen,
        quote.refund_fen,
        now,
        due_on,
        channel,
    )


def _close_lots(lots: list[Lot], refund_fen: int) -> list[Lot]:
    """Spread the refund over the lots oldest first; what is left of each lot counts as used."""
    closed: list[Lot] = []
    left = refund_fen
    for lot in lots:
        back = min(left, lot.paid_open_fen)
        left -= back
        used = lot.paid_used_fen + lot.paid_open_fen - back
        # refunded_fen also marks the lot closed; a lot with nothing back is closed as fully used.
        closed.append(
            replace(lot, paid_used_fen=used, refunded_fen=back, face_used_fen=lot.face_fen)
        )
    assert left == 0
    return closed
