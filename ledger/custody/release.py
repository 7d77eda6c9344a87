"""Release of custody money to the merchant (R12-R15): never beyond `releasable`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ledger.custody.accounts import AccountKind, TransferCode, account_id, leg, linked
from ledger.custody.book import MerchantBook
from ledger.custody.commands import Release
from ledger.custody.decision import Accepted, Decision, InvalidCommand, refuse
from ledger.custody.kinds import ReleaseMode
from ledger.custody.policy import CustodyPolicy
from ledger.custody.rules import releasable
from ledger.model import Transfer


@dataclass(frozen=True, slots=True)
class ReleaseRecord:
    record_id: str
    merchant_id: str
    amount_fen: int
    from_earned_fen: int
    advance_fen: int
    released_at: datetime


def release(book: MerchantBook, cmd: Release, policy: CustodyPolicy, now: datetime) -> Decision:
    if cmd.amount_fen <= 0:
        raise InvalidCommand("release a positive amount")
    assessment = releasable(book, policy, now)
    if cmd.amount_fen > assessment.amount_fen:
        return refuse(
            assessment.binding_rule,
            "release exceeds what may leave custody",
            requested_fen=cmd.amount_fen,
            releasable_fen=assessment.amount_fen,
            **assessment.figures,
        )
    merchant_id = book.merchant.merchant_id
    cash = account_id(AccountKind.CUSTODY_CASH, merchant_id)
    from_earned = min(cmd.amount_fen, book.balance(AccountKind.MERCHANT_EARNED))
    advance = cmd.amount_fen - from_earned
    # Only ratio schemes may pay out ahead of use; per-use releases are bounded by matured
    # earned value, which is at most the earned balance.
    assert advance == 0 or policy.release_mode == ReleaseMode.RATIO_SURPLUS
    transfers: list[Transfer] = []
    if from_earned:
        earned = account_id(AccountKind.MERCHANT_EARNED, merchant_id)
        transfers.append(
            leg(cmd.command_id, "release", earned, cash, from_earned, TransferCode.RELEASE)
        )
    if advance:
        released = account_id(AccountKind.MERCHANT_RELEASED, merchant_id)
        transfers.append(
            leg(cmd.command_id, "advance", released, cash, advance, TransferCode.ADVANCE)
        )
    record = ReleaseRecord(
        f"release/{cmd.command_id}", merchant_id, cmd.amount_fen, from_earned, advance, now
    )
    return Accepted(linked(transfers), (record,), policy.version)
