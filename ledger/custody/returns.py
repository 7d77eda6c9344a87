"""Offline no-reason returns (R31): a merchant's pledge, and an insurer reimbursing returns
accepted under it. These returns concern ordinary goods, not prepaid balances, so the only
ledger movement is the insurer's cover paying out to the merchant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from ledger.custody.accounts import (
    AccountKind,
    TransferCode,
    account_id,
    leg,
    make_account,
    normal_balance,
)
from ledger.custody.decision import Accepted, Decision, InvalidCommand, Refusal, Refused
from ledger.custody.recovery import WORLD
from ledger.model import Account


@dataclass(frozen=True, slots=True)
class ReturnPolicy:
    window_days: int = 7  # commonly 7 days [M]
    conditions: frozenset[str] = frozenset({"goods_intact"})
    cross_store: bool = False  # returns accepted at other branches of the same chain


@dataclass(frozen=True, slots=True)
class ReturnPledge:
    merchant_id: str
    policy: ReturnPolicy
    pledged_on: date
    insurer_id: str  # whose no-reason-return cover reimburses accepted returns
    store_ids: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class AcceptedReturn:
    command_id: UUID
    return_id: str
    merchant_id: str
    sold_at: datetime
    returned_at: datetime
    sold_store_id: str
    returned_store_id: str
    amount_fen: int
    conditions_met: frozenset[str]


@dataclass(frozen=True, slots=True)
class ReturnReimbursement:
    record_id: str
    merchant_id: str
    insurer_id: str
    amount_fen: int
    reimbursed_at: datetime


def check_return(pledge: ReturnPledge, r: AcceptedReturn) -> list[Refusal]:
    refusals: list[Refusal] = []
    if r.returned_at.date() < pledge.pledged_on:
        refusals.append(
            Refusal(
                "R31",
                "returned before the pledge took effect",
                {"pledged_on": pledge.pledged_on.isoformat()},
            )
        )
    window_ends = r.sold_at + timedelta(days=pledge.policy.window_days)
    if r.returned_at > window_ends:
        refusals.append(
            Refusal(
                "R31",
                "outside the return window",
                {
                    "days_since_sale": (r.returned_at - r.sold_at).days,
                    "window_days": pledge.policy.window_days,
                },
            )
        )
    missing = pledge.policy.conditions - r.conditions_met
    if missing:
        refusals.append(
            Refusal("R31", "return conditions not met", {"missing": ",".join(sorted(missing))})
        )
    if r.sold_store_id != r.returned_store_id and not pledge.policy.cross_store:
        refusals.append(
            Refusal(
                "R31",
                "the pledge does not cover returns at another store",
                {"sold_store": r.sold_store_id, "returned_store": r.returned_store_id},
            )
        )
    return refusals


def reimburse_return(
    pledge: ReturnPledge, r: AcceptedReturn, cover: Account | None, now: datetime
) -> Decision:
    """Insurer's cover -> the merchant (outside the scheme), for a return the pledge covers."""
    if r.amount_fen <= 0 or r.merchant_id != pledge.merchant_id:
        raise InvalidCommand("a positive return under this merchant's pledge")
    refusals = check_return(pledge, r)
    left = 0 if cover is None else normal_balance(cover)
    if r.amount_fen > left:
        refusals.append(
            Refusal(
                "R31",
                "no-reason-return cover exhausted",
                {"amount_fen": r.amount_fen, "cover_left_fen": left},
            )
        )
    if refusals:
        return Refused(tuple(refusals))
    t = leg(
        r.command_id,
        "reimburse",
        account_id(AccountKind.BANK_CLEARING, WORLD),
        account_id(AccountKind.RETURN_INSURANCE, pledge.insurer_id),
        r.amount_fen,
        TransferCode.RETURN_REIMBURSED,
        {"merchant": r.merchant_id, "return": r.return_id},
    )
    record = ReturnReimbursement(
        f"return/{r.return_id}", r.merchant_id, pledge.insurer_id, r.amount_fen, now
    )
    return Accepted((t,), (record,))


def fund_return_cover(command_id: UUID, insurer_id: str, amount_fen: int) -> Decision:
    """The insurer's no-reason-return cover for the period enters the scheme."""
    if amount_fen <= 0:
        raise InvalidCommand("cover must be positive")
    t = leg(
        command_id,
        "return-cover",
        account_id(AccountKind.RETURN_INSURANCE, insurer_id),
        account_id(AccountKind.BANK_CLEARING, WORLD),
        amount_fen,
        TransferCode.FUNDING,
        {"insurer": insurer_id},
    )
    accounts = (
        make_account(AccountKind.RETURN_INSURANCE, insurer_id),
        make_account(AccountKind.BANK_CLEARING, WORLD),
    )
    return Accepted((t,), (), accounts=accounts)
