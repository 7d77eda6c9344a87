"""Issue and top-up: gates (R5, R27/R28), caps (R16, R17), one transfer into custody."""

from __future__ import annotations

from datetime import datetime, timedelta

from ledger.custody.accounts import AccountKind, TransferCode, account_id, leg, make_account
from ledger.custody.book import MerchantBook
from ledger.custody.commands import Sell
from ledger.custody.decision import Accepted, Decision, InvalidCommand, Refused
from ledger.custody.instruments import InstrumentStatus, Lot, PrepaidInstrument
from ledger.custody.kinds import InstrumentKind
from ledger.custody.policy import CustodyPolicy
from ledger.custody.rules import check_merchant_may_sell, check_sale_caps
from ledger.model import Account


def merchant_accounts(merchant_id: str) -> tuple[Account, ...]:
    """Every per-merchant account; created once when the merchant is onboarded."""
    kinds = (
        AccountKind.CUSTODY_CASH,
        AccountKind.MERCHANT_EARNED,
        AccountKind.MERCHANT_RELEASED,
        AccountKind.CONSUMER_REFUND_PAYABLE,
        AccountKind.RISK_DEPOSIT,
        AccountKind.INSURANCE_COVER,
        AccountKind.GUARANTEE_COVER,
        AccountKind.RECOVERY_RECEIVABLE,
        AccountKind.SUBROGATED_LIABILITY,
    )
    return tuple(make_account(kind, merchant_id) for kind in kinds)


def sell(book: MerchantBook, cmd: Sell, policy: CustodyPolicy, now: datetime) -> Decision:
    existing = book.instrument(cmd.instrument_id)
    _validate(cmd, existing)
    refusals = check_merchant_may_sell(book, policy, now) + check_sale_caps(book, policy, cmd)
    if refusals:
        return Refused(tuple(refusals))
    records: list[object] = []
    if existing is None:
        records.append(_new_instrument(book, cmd, policy, now))
    face = cmd.paid_fen + cmd.bonus_fen
    lot = Lot(
        lot_id=f"{cmd.instrument_id}/{cmd.command_id}",
        instrument_id=cmd.instrument_id,
        paid_fen=cmd.paid_fen,
        bonus_fen=cmd.bonus_fen,
        list_amount_fen=cmd.list_amount_fen or face,
        sold_at=now,
        schedule=cmd.schedule,
        sessions=cmd.sessions,
    )
    records.append(lot)
    merchant_id = book.merchant.merchant_id
    sale = leg(
        cmd.command_id,
        "sale",
        account_id(AccountKind.CUSTODY_CASH, merchant_id),
        account_id(AccountKind.CARD_LIABILITY, cmd.instrument_id),
        cmd.paid_fen,
        TransferCode.SALE,
        {"instrument": cmd.instrument_id, "lot": lot.lot_id},
    )
    return Accepted(
        transfers=(sale,),
        records=tuple(records),
        policy_version=policy.version,
        accounts=(make_account(AccountKind.CARD_LIABILITY, cmd.instrument_id),),
    )


def _validate(cmd: Sell, existing: PrepaidInstrument | None) -> None:
    if cmd.paid_fen <= 0 or cmd.bonus_fen < 0 or cmd.list_amount_fen < 0 or cmd.sessions < 0:
        raise InvalidCommand("amounts must be positive (paid) or non-negative (others)")
    if (cmd.kind == InstrumentKind.SESSION_PACK) != (cmd.sessions > 0):
        raise InvalidCommand("session packs, and only they, carry sessions")
    if cmd.kind == InstrumentKind.MEMBERSHIP and not (
        cmd.term_starts_on and cmd.term_ends_on and cmd.term_starts_on < cmd.term_ends_on
    ):
        raise InvalidCommand("a membership needs a term")
    if existing is None:
        return
    if existing.status != InstrumentStatus.ACTIVE:
        raise InvalidCommand(f"instrument {existing.instrument_id} is {existing.status.value}")
    same = (existing.holder_id, existing.kind, existing.registered)
    if same != (cmd.holder_id, cmd.kind, cmd.registered):
        raise InvalidCommand("a top-up must match the card's holder, kind and registration")


def _new_instrument(
    book: MerchantBook, cmd: Sell, policy: CustodyPolicy, now: datetime
) -> PrepaidInstrument:
    # Registered cards never expire; bearer cards stay valid at least the policy minimum (R16).
    expires_on = None
    if not cmd.registered:
        expires_on = (now + timedelta(days=policy.bearer_validity_days_min)).date()
    return PrepaidInstrument(
        instrument_id=cmd.instrument_id,
        merchant_id=book.merchant.merchant_id,
        holder_id=cmd.holder_id,
        kind=cmd.kind,
        registered=cmd.registered,
        issued_at=now,
        term_starts_on=cmd.term_starts_on,
        term_ends_on=cmd.term_ends_on,
        expires_on=expires_on,
    )
