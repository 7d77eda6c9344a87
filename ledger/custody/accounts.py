"""The chart of accounts for custody, and deterministic ids for accounts and transfers.

Money is tracked in paid money (fen of principal). A card's face value (paid + bonus) lives in
its lots, not in the ledger: bonus credit is a price discount, not money anyone holds.

Assets are debit-normal and carry CREDITS_MUST_NOT_EXCEED_DEBITS so that no cash pot, cover or
receivable can go below zero; liabilities are credit-normal with DEBITS_MUST_NOT_EXCEED_CREDITS
so that, for instance, a card can never go negative. The outside world has no limit.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from uuid import UUID, uuid5

from ledger.model import Account, AccountFlags, Transfer, TransferFlags

CURRENCY = "CNY"
LEDGER_CNY = 156  # ISO 4217 numeric: every custody account shares one ledger per currency

# Fixed namespaces: changing them would re-key every account and transfer ever created.
ACCOUNT_NAMESPACE = UUID("3d0c8a57-1f7e-4d1b-9a8e-4a2f6c1b7e01")
TRANSFER_NAMESPACE = UUID("3d0c8a57-1f7e-4d1b-9a8e-4a2f6c1b7e02")


class AccountKind(enum.IntEnum):
    """Account codes. Owner in brackets."""

    CUSTODY_CASH = 1  # [merchant] cash in the designated custody account at its bank
    CARD_LIABILITY = 2  # [instrument] principal owed to the holder
    MERCHANT_EARNED = 3  # [merchant] value redeemed, still in custody, owed to the merchant
    MERCHANT_RELEASED = 4  # [merchant] cash paid out ahead of use: an advance against cards
    CONSUMER_REFUND_PAYABLE = 5  # [merchant] refunds decided, awaiting payment
    RISK_DEPOSIT = 6  # [merchant] the merchant's own risk deposit (R10, R30a)
    INSURANCE_COVER = 7  # [merchant] unused performance-bond cover (R6, R30c)
    GUARANTEE_COVER = 8  # [merchant] unused bank-guarantee cover (R6, R30d)
    COMPENSATION_POOL = 9  # [pool] first-compensation fund cash (R29)
    RECOVERY_RECEIVABLE = 10  # [merchant] subrogated claims held by the payers (R29)
    SUBROGATED_LIABILITY = 11  # [merchant] the merchant's debt to those payers (mirror of 10)
    RETURN_INSURANCE = 12  # [insurer] unused no-reason-return cover (R31)
    BANK_CLEARING = 13  # [bank] the outside world: money entering or leaving the scheme


DEBIT_NORMAL: frozenset[AccountKind] = frozenset(
    {
        AccountKind.CUSTODY_CASH,
        AccountKind.MERCHANT_RELEASED,
        AccountKind.RISK_DEPOSIT,
        AccountKind.INSURANCE_COVER,
        AccountKind.GUARANTEE_COVER,
        AccountKind.COMPENSATION_POOL,
        AccountKind.RECOVERY_RECEIVABLE,
        AccountKind.RETURN_INSURANCE,
    }
)
CREDIT_NORMAL: frozenset[AccountKind] = frozenset(
    {
        AccountKind.CARD_LIABILITY,
        AccountKind.MERCHANT_EARNED,
        AccountKind.CONSUMER_REFUND_PAYABLE,
        AccountKind.SUBROGATED_LIABILITY,
    }
)


def limit_flags(kind: AccountKind) -> int:
    """Which balance limit the engine enforces for an account of this kind."""
    if kind in DEBIT_NORMAL:
        return int(AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS)
    if kind in CREDIT_NORMAL:
        return int(AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS)
    assert kind == AccountKind.BANK_CLEARING
    return 0


class TransferCode(enum.IntEnum):
    """What a transfer means; stored as the core transfer's code."""

    SALE = 1
    REDEMPTION = 2
    ADVANCE_NETTING = 3
    RELEASE = 4
    ADVANCE = 5
    REFUND_BOOKED = 6
    REFUND_USED_VALUE = 7
    REFUND_PAID = 8
    REFUND_PAID_BY_MERCHANT = 9
    CARD_MOVE = 10
    DEFAULT_PAYOUT = 11
    SUBROGATION = 12
    CLAIM_OPENED = 13
    RECOVERY = 14
    RECOVERY_CLEARED = 15
    FUNDING = 16
    RETURN_REIMBURSED = 17
    MEMBERSHIP_ACCRUAL = 18


@lru_cache(maxsize=1 << 16)
def account_id(kind: AccountKind, owner_id: str) -> UUID:
    """Deterministic: the same owner always maps to the same account, across retries."""
    assert owner_id and len(owner_id.encode()) <= 200, "an account needs a short owner id"
    return uuid5(ACCOUNT_NAMESPACE, f"{kind.name}:{owner_id}")


def make_account(kind: AccountKind, owner_id: str) -> Account:
    return Account(
        id=account_id(kind, owner_id),
        ledger=LEDGER_CNY,
        currency=CURRENCY,
        code=int(kind),
        flags=limit_flags(kind),
        metadata={"kind": kind.name.lower(), "owner": owner_id},
    )


def transfer_id(command_id: UUID, leg: str) -> UUID:
    """One id per (command, leg): a retried command produces byte-identical transfers."""
    return uuid5(TRANSFER_NAMESPACE, f"{command_id}:{leg}")


def leg(
    command_id: UUID,
    name: str,
    debit: UUID,
    credit: UUID,
    amount_fen: int,
    code: TransferCode,
    metadata: Mapping[str, str] | None = None,
) -> Transfer:
    """A single-phase transfer; callers filter out zero amounts before building legs."""
    assert amount_fen > 0, f"leg {name} has amount {amount_fen}"
    return Transfer(
        id=transfer_id(command_id, name),
        debit_account_id=debit,
        credit_account_id=credit,
        amount=amount_fen,
        currency=CURRENCY,
        code=int(code),
        metadata=dict(metadata or {}),
    )


def linked(transfers: list[Transfer]) -> tuple[Transfer, ...]:
    """Chain the transfers so they succeed or fail together (LINKED on all but the last)."""
    if len(transfers) <= 1:
        return tuple(transfers)
    head = [replace(t, flags=t.flags | int(TransferFlags.LINKED)) for t in transfers[:-1]]
    return (*head, transfers[-1])


def normal_balance(account: Account) -> int:
    """Balance on the account's normal side, counting held amounts against it (available)."""
    kind = AccountKind(account.code)
    if kind in DEBIT_NORMAL:
        return account.debits_posted - account.credits_posted - account.credits_pending
    return account.credits_posted - account.debits_posted - account.debits_pending
