"""The merchant status machine (R27, R28): every step carries evidence and who decided it.

    NORMAL <-> WARNING
    NORMAL, WARNING -> CLOSING      (public notice of at least 30 days; no sales from here)
    WARNING, CLOSING -> DEFAULTED   (absconded or no arrangements: releases freeze, R15)
    CLOSING -> CLOSED               (only once the notice period has run, R28)

A merchant that absconds without warning is first put in WARNING, then DEFAULTED, in the same
decision if need be: the record of both steps is the point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from ledger.custody.decision import CustodyError
from ledger.custody.instruments import Merchant
from ledger.custody.kinds import MerchantStatus as S

CLOSURE_NOTICE_DAYS_MIN = 30  # R22, R27.2, R28

ALLOWED: dict[S, frozenset[S]] = {
    S.NORMAL: frozenset({S.WARNING, S.CLOSING}),
    S.WARNING: frozenset({S.NORMAL, S.CLOSING, S.DEFAULTED}),
    S.CLOSING: frozenset({S.DEFAULTED, S.CLOSED}),
    S.DEFAULTED: frozenset(),
    S.CLOSED: frozenset(),
}


class IllegalTransition(CustodyError):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"{rule}: {message}")
        self.rule = rule


@dataclass(frozen=True, slots=True)
class StatusChange:
    record_id: str
    merchant_id: str
    from_status: S
    to_status: S
    evidence: tuple[str, ...]
    decided_by: str
    decided_at: datetime
    notice_ends_on: date | None = None


def transition(
    merchant: Merchant,
    to: S,
    evidence: Sequence[str],
    decided_by: str,
    now: datetime,
    notice_ends_on: date | None = None,
) -> tuple[Merchant, StatusChange]:
    """Returns the merchant in its new status and the record of the change."""
    if to not in ALLOWED[merchant.status]:
        raise IllegalTransition("R27", f"{merchant.status.value} -> {to.value} is not allowed")
    if not evidence or not all(e.strip() for e in evidence) or not decided_by.strip():
        raise IllegalTransition("R27", "a status change needs evidence and a decision maker")
    if to == S.CLOSING:
        earliest = now.date() + timedelta(days=CLOSURE_NOTICE_DAYS_MIN)
        if notice_ends_on is None or notice_ends_on < earliest:
            raise IllegalTransition("R28", f"closure notice must run until {earliest} or later")
    if to == S.CLOSED:
        assert merchant.notice_ends_on is not None, "a closing merchant has a notice end"
        if now.date() < merchant.notice_ends_on:
            raise IllegalTransition("R28", f"notice runs until {merchant.notice_ends_on}")
    ends = notice_ends_on if to == S.CLOSING else merchant.notice_ends_on
    changed = replace(merchant, status=to, notice_ends_on=ends)
    record = StatusChange(
        record_id=f"status/{merchant.merchant_id}/{now.isoformat()}/{to.value}",
        merchant_id=merchant.merchant_id,
        from_status=merchant.status,
        to_status=to,
        evidence=tuple(evidence),
        decided_by=decided_by,
        decided_at=now,
        notice_ends_on=ends,
    )
    return changed, record
