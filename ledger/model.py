"""Accounts, transfers and their per-event result codes.

Semantics follow TigerBeetle: client-chosen ids, two-phase holds (pending -> post or void, at
most once, or expiry), balance-limit flags checked against posted plus pending amounts, and
exhaustive result codes ordered by precedence.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from uuid import UUID

METADATA_ENTRIES_MAX = 16
METADATA_KEY_BYTES_MAX = 64
METADATA_VALUE_BYTES_MAX = 256
BATCH_EVENTS_MAX = 8190
U32_MAX = 2**32 - 1  # ledger and code are u32 in the API and in the canonical encoding
# A hold may not outlive ten years; keeps expires_at far inside int64 nanoseconds.
TIMEOUT_S_MAX = 10 * 366 * 24 * 3600

Metadata = dict[str, str]


class AccountFlags(enum.IntFlag):
    NONE = 0
    LINKED = 1
    DEBITS_MUST_NOT_EXCEED_CREDITS = 2
    CREDITS_MUST_NOT_EXCEED_DEBITS = 4
    CLOSED = 8


class TransferFlags(enum.IntFlag):
    NONE = 0
    LINKED = 1
    PENDING = 2
    POST_PENDING = 4
    VOID_PENDING = 8


ACCOUNT_FLAGS_ALL = int(
    AccountFlags.LINKED
    | AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
    | AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS
    | AccountFlags.CLOSED
)
TRANSFER_FLAGS_ALL = int(
    TransferFlags.LINKED
    | TransferFlags.PENDING
    | TransferFlags.POST_PENDING
    | TransferFlags.VOID_PENDING
)


class PendingStatus(enum.IntEnum):
    NONE = 0  # not a pending transfer
    PENDING = 1
    POSTED = 2
    VOIDED = 3
    EXPIRED = 4


@dataclass(slots=True)
class Account:
    id: UUID
    ledger: int  # partition key: every row of every table carries it
    currency: str
    code: int  # kind in the chart of accounts
    flags: int = 0
    metadata: Metadata = field(default_factory=dict)
    debits_pending: int = 0
    debits_posted: int = 0
    credits_pending: int = 0
    credits_posted: int = 0
    version: int = 0  # bumped by every transfer that touches the account
    timestamp: int = 0

    @property
    def posted_balance(self) -> int:
        """Credit-normal posted balance: credits minus debits."""
        return self.credits_posted - self.debits_posted

    @property
    def pending_balance(self) -> int:
        return self.credits_pending - self.debits_pending

    @property
    def available_balance(self) -> int:
        """What may still be debited: posted credits less posted and held debits."""
        return self.credits_posted - self.debits_posted - self.debits_pending

    def balances(self) -> tuple[int, int, int, int]:
        return (self.debits_pending, self.debits_posted, self.credits_pending, self.credits_posted)


@dataclass(frozen=True, slots=True)
class Transfer:
    id: UUID
    debit_account_id: UUID
    credit_account_id: UUID
    amount: int
    currency: str
    code: int = 0
    flags: int = 0
    pending_id: UUID | None = None
    timeout_s: int = 0
    metadata: Metadata = field(default_factory=dict)
    ledger: int = 0  # filled from the accounts when applied
    timestamp: int = 0  # ledger-assigned, strictly increasing


@dataclass(frozen=True, slots=True)
class BalanceSnapshot:
    """An account's balances right after one transfer: history is a lookup, not a sum."""

    account_id: UUID
    ledger: int
    version: int
    transfer_id: UUID
    timestamp: int
    debits_pending: int
    debits_posted: int
    credits_pending: int
    credits_posted: int


@dataclass(slots=True)
class PendingState:
    transfer_id: UUID
    ledger: int
    status: PendingStatus
    expires_at: int  # ns; 0 means never
    amount: int


class CreateAccountResult(enum.IntEnum):
    """Ordered by precedence (the first failing check is the one reported), except for codes
    appended later, whose place in the order is noted beside them."""

    OK = 0
    LINKED_EVENT_FAILED = 1
    LINKED_EVENT_CHAIN_OPEN = 2
    ID_MUST_NOT_BE_ZERO = 3
    FLAGS_ARE_MUTUALLY_EXCLUSIVE = 4
    LEDGER_MUST_NOT_BE_ZERO = 5
    CODE_MUST_NOT_BE_ZERO = 6
    CURRENCY_INVALID = 7
    METADATA_INVALID = 8
    EXISTS_WITH_DIFFERENT_FLAGS = 9
    EXISTS_WITH_DIFFERENT_LEDGER = 10
    EXISTS_WITH_DIFFERENT_CURRENCY = 11
    EXISTS_WITH_DIFFERENT_CODE = 12
    EXISTS_WITH_DIFFERENT_METADATA = 13
    EXISTS = 14
    # Appended: numbers are wire-stable. Checked right after the zero checks above.
    LEDGER_TOO_LARGE = 15
    CODE_TOO_LARGE = 16


class CreateTransferResult(enum.IntEnum):
    """Ordered by precedence (the first failing check is the one reported), except for codes
    appended later, whose place in the order is noted beside them."""

    OK = 0
    LINKED_EVENT_FAILED = 1
    LINKED_EVENT_CHAIN_OPEN = 2
    ID_MUST_NOT_BE_ZERO = 3
    FLAGS_ARE_MUTUALLY_EXCLUSIVE = 4
    DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO = 5
    CREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO = 6
    ACCOUNTS_MUST_BE_DIFFERENT = 7
    PENDING_ID_MUST_BE_ZERO = 8
    PENDING_ID_MUST_NOT_BE_ZERO = 9
    PENDING_ID_MUST_BE_DIFFERENT = 10
    TIMEOUT_RESERVED_FOR_PENDING_TRANSFER = 11
    TIMEOUT_TOO_LARGE = 12
    AMOUNT_MUST_BE_POSITIVE = 13
    AMOUNT_TOO_LARGE = 14
    CURRENCY_INVALID = 15
    METADATA_INVALID = 16
    EXISTS_WITH_DIFFERENT_FLAGS = 17
    EXISTS_WITH_DIFFERENT_PENDING_ID = 18
    EXISTS_WITH_DIFFERENT_TIMEOUT = 19
    EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT_ID = 20
    EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT_ID = 21
    EXISTS_WITH_DIFFERENT_AMOUNT = 22
    EXISTS_WITH_DIFFERENT_CURRENCY = 23
    EXISTS_WITH_DIFFERENT_CODE = 24
    EXISTS_WITH_DIFFERENT_METADATA = 25
    EXISTS = 26
    DEBIT_ACCOUNT_NOT_FOUND = 27
    CREDIT_ACCOUNT_NOT_FOUND = 28
    ACCOUNTS_MUST_HAVE_THE_SAME_LEDGER = 29
    CURRENCY_MISMATCH = 30
    PENDING_TRANSFER_NOT_FOUND = 31
    PENDING_TRANSFER_NOT_PENDING = 32
    PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID = 33
    PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID = 34
    PENDING_TRANSFER_HAS_DIFFERENT_CURRENCY = 35
    EXCEEDS_PENDING_TRANSFER_AMOUNT = 36
    PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT = 37
    PENDING_TRANSFER_ALREADY_POSTED = 38
    PENDING_TRANSFER_ALREADY_VOIDED = 39
    PENDING_TRANSFER_EXPIRED = 40
    DEBIT_ACCOUNT_CLOSED = 41
    CREDIT_ACCOUNT_CLOSED = 42
    OVERFLOWS_DEBITS_PENDING = 43
    OVERFLOWS_CREDITS_PENDING = 44
    OVERFLOWS_DEBITS_POSTED = 45
    OVERFLOWS_CREDITS_POSTED = 46
    OVERFLOWS_DEBITS = 47
    OVERFLOWS_CREDITS = 48
    EXCEEDS_CREDITS = 49
    EXCEEDS_DEBITS = 50
    # Appended: numbers are wire-stable. Checked right after TIMEOUT_TOO_LARGE.
    CODE_TOO_LARGE = 51


def metadata_is_valid(metadata: Metadata) -> bool:
    if len(metadata) > METADATA_ENTRIES_MAX:
        return False
    for key, value in metadata.items():
        if not key or len(key.encode()) > METADATA_KEY_BYTES_MAX:
            return False
        if len(value.encode()) > METADATA_VALUE_BYTES_MAX:
            return False
    return True
