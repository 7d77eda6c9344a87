"""Recoveries on subrogated claims (R29) and the funding of deposits, cover and pools (R30).

A recovery clears open claims against the paying counterparty and refills what paid: the
compensation pool or the merchant's risk deposit; money recovered for an insurer or a
guarantor bank is passed on to it through bank clearing. Claims are cleared pool first (public
money first), then deposit, insurance, guarantee; older before newer. That priority is a design
choice the domain rules leave open (section 6).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from ledger.custody.accounts import (
    AccountKind,
    TransferCode,
    account_id,
    leg,
    linked,
    make_account,
)
from ledger.custody.book import MerchantBook
from ledger.custody.decision import Accepted, Decision, InvalidCommand, refuse
from ledger.custody.kinds import CounterpartyRole, FundingSource
from ledger.custody.settlement import SOURCE_ACCOUNT, RecoveryClaim
from ledger.model import Transfer

WORLD = "world"  # owner of the one bank-clearing account per currency
RECOVERY_ORDER = (
    FundingSource.COMPENSATION_POOL,
    FundingSource.RISK_DEPOSIT,
    FundingSource.INSURANCE,
    FundingSource.GUARANTEE,
)


@dataclass(frozen=True, slots=True)
class RecordRecovery:
    command_id: UUID
    amount_fen: int
    counterparty_role: CounterpartyRole
    counterparty_id: str


@dataclass(frozen=True, slots=True)
class Fund:
    """Money or cover entering the scheme: a risk deposit, a policy's cover, a pool top-up."""

    command_id: UUID
    source: FundingSource
    owner_id: str  # the merchant, or the pool id for the compensation pool
    amount_fen: int


def fund(cmd: Fund) -> Decision:
    if cmd.amount_fen <= 0 or cmd.source == FundingSource.CUSTODY_CASH:
        raise InvalidCommand("fund deposits, cover or pools with a positive amount")
    target = account_id(SOURCE_ACCOUNT[cmd.source], cmd.owner_id)
    world = account_id(AccountKind.BANK_CLEARING, WORLD)
    t = leg(
        cmd.command_id,
        "fund",
        target,
        world,
        cmd.amount_fen,
        TransferCode.FUNDING,
        {"source": cmd.source.value, "owner": cmd.owner_id},
    )
    # The clearing account is created with the first money that enters the scheme.
    accounts = (
        make_account(SOURCE_ACCOUNT[cmd.source], cmd.owner_id),
        make_account(AccountKind.BANK_CLEARING, WORLD),
    )
    return Accepted((t,), (), accounts=accounts)


def record_recovery(book: MerchantBook, cmd: RecordRecovery, now: datetime) -> Decision:
    if cmd.amount_fen <= 0:
        raise InvalidCommand("recover a positive amount")
    claims = sorted(
        (
            c
            for c in book.records.values()
            if isinstance(c, RecoveryClaim)
            and c.counterparty_role == cmd.counterparty_role
            and c.counterparty_id == cmd.counterparty_id
            and c.open_fen > 0
        ),
        key=lambda c: (RECOVERY_ORDER.index(c.source), c.opened_at, c.record_id),
    )
    open_fen = sum(c.open_fen for c in claims)
    if cmd.amount_fen > open_fen:
        return refuse(
            "R29",
            "recovery exceeds the open subrogated claims",
            recovered_fen=cmd.amount_fen,
            open_claims_fen=open_fen,
        )
    merchant_id = book.merchant.merchant_id
    receivable = account_id(AccountKind.RECOVERY_RECEIVABLE, merchant_id)
    world = account_id(AccountKind.BANK_CLEARING, WORLD)
    transfers: list[Transfer] = []
    records: list[object] = []
    left = cmd.amount_fen
    for c in claims:
        take = min(left, c.open_fen)
        if take == 0:
            break
        left -= take
        refill = world
        if c.source in (FundingSource.COMPENSATION_POOL, FundingSource.RISK_DEPOSIT):
            refill = account_id(SOURCE_ACCOUNT[c.source], c.source_owner_id)
        transfers.append(
            leg(
                cmd.command_id,
                f"recover:{c.record_id}",
                refill,
                receivable,
                take,
                TransferCode.RECOVERY,
                {"claim": c.record_id},
            )
        )
        records.append(replace(c, recovered_fen=c.recovered_fen + take))
    # The merchant's debt to the payers shrinks by what came in from outside.
    transfers.append(
        leg(
            cmd.command_id,
            "cleared",
            account_id(AccountKind.SUBROGATED_LIABILITY, merchant_id),
            world,
            cmd.amount_fen,
            TransferCode.RECOVERY_CLEARED,
        )
    )
    return Accepted(linked(transfers), tuple(records))
