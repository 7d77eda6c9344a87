"""Protobuf <-> domain conversion, with structural validation of what comes in.

Validation here refuses input that is malformed as a request (bad UUID text, unknown currency,
a negative amount, an oversized batch) with INVALID_ARGUMENT before anything is submitted, and
reports every violation at once. Checks that depend on the ledger's state, or that the domain
expresses as per-event result codes on well-formed values (a zero UUID, same debit and credit
account, mutually exclusive account flags), are left to the engine.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from typing import cast
from uuid import UUID

from google.protobuf.message import Message

from fangxin.v1 import ledger_pb2
from ledger.model import (
    BATCH_EVENTS_MAX,
    METADATA_ENTRIES_MAX,
    METADATA_KEY_BYTES_MAX,
    METADATA_VALUE_BYTES_MAX,
    TIMEOUT_S_MAX,
    Account,
    AccountFlags,
    BalanceSnapshot,
    CreateAccountResult,
    CreateTransferResult,
    PendingStatus,
    Transfer,
    TransferFlags,
)
from ledger.money import is_currency
from services.errors import VIOLATIONS_MAX, InvalidArgument

LOOKUP_IDS_MAX = BATCH_EVENTS_MAX
_UUID_TEXT = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
)
_KEY_SHOWN_CHARS = 32  # how much of an offending metadata key a description echoes
_ZERO = UUID(int=0)
_T_LINKED = int(TransferFlags.LINKED)
_T_PENDING = int(TransferFlags.PENDING)
_T_POST = int(TransferFlags.POST_PENDING)
_T_VOID = int(TransferFlags.VOID_PENDING)


class _Violations:
    """Collects (field path, description) pairs, up to VIOLATIONS_MAX."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    @property
    def full(self) -> bool:
        return len(self.items) >= VIOLATIONS_MAX

    def add(self, field: str, description: str) -> None:
        if not self.full:
            self.items.append((field, description))

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidArgument(self.items)


# -- ids -------------------------------------------------------------------------------------------


def parse_uuid(text: str) -> UUID | None:
    """The UUID in canonical 8-4-4-4-12 text (either case), or None if `text` is not one.

    Stricter than `UUID()`, which also takes braces, "urn:uuid:" and bare hex: one spelling per
    id keeps ids greppable across logs, clients and the database.
    """
    if not _UUID_TEXT.fullmatch(text):
        return None
    return UUID(text)


def _uuid(text: str, field: str, v: _Violations, *, empty: UUID | None = None) -> UUID | None:
    """Parses a required id; an empty `text` yields `empty` if given, else a violation."""
    if not text:
        if empty is None:
            v.add(field, "is required: a UUID such as 0b9f3c2e-5d1a-4c6b-8e7f-1a2b3c4d5e6f")
        return empty
    parsed = parse_uuid(text)
    if parsed is None:
        v.add(field, "is not a UUID in canonical 8-4-4-4-12 hex form")
    return parsed


def uuid_from_proto(text: str, field: str) -> UUID:
    """A single required id, e.g. a request's account_id; raises InvalidArgument."""
    v = _Violations()
    parsed = _uuid(text, field, v)
    v.raise_if_any()
    assert parsed is not None
    return parsed


def ids_from_proto(ids: Sequence[str], field: str = "ids") -> list[UUID]:
    """Ids of a lookup, in request order; raises InvalidArgument."""
    if len(ids) > LOOKUP_IDS_MAX:
        raise InvalidArgument([(field, f"has {len(ids)} ids; at most {LOOKUP_IDS_MAX}")])
    v = _Violations()
    parsed = [_uuid(text, f"{field}[{i}]", v) for i, text in enumerate(ids)]
    v.raise_if_any()
    return [p for p in parsed if p is not None]


# -- shared checks ---------------------------------------------------------------------------------


def _check_batch(events: Sequence[object], field: str, noun: str) -> None:
    if not events:
        raise InvalidArgument([(field, f"must contain at least one {noun}")])
    if len(events) > BATCH_EVENTS_MAX:
        raise InvalidArgument([(field, f"has {len(events)} {noun}s; at most {BATCH_EVENTS_MAX}")])


def _check_currency(currency: str, field: str, v: _Violations) -> None:
    if not is_currency(currency):
        v.add(field, "is not a supported ISO 4217 currency code such as CNY")


def _check_metadata(metadata: Mapping[str, str], field: str, v: _Violations) -> None:
    if len(metadata) > METADATA_ENTRIES_MAX:
        v.add(field, f"has {len(metadata)} entries; at most {METADATA_ENTRIES_MAX}")
    # Sorted so that the same request always reports the same violations.
    for key in sorted(metadata):
        shown = repr(key[:_KEY_SHOWN_CHARS])
        key_bytes = len(key.encode())
        value_bytes = len(metadata[key].encode())
        if not key:
            v.add(field, "has an empty key")
        elif key_bytes > METADATA_KEY_BYTES_MAX:
            v.add(field, f"key {shown} is {key_bytes} bytes; at most {METADATA_KEY_BYTES_MAX}")
        if value_bytes > METADATA_VALUE_BYTES_MAX:
            v.add(
                field,
                f"value of key {shown} is {value_bytes} bytes; at most {METADATA_VALUE_BYTES_MAX}",
            )


# -- accounts --------------------------------------------------------------------------------------


def _account(a: ledger_pb2.Account, path: str, v: _Violations) -> Account | None:
    account_id = _uuid(a.id, f"{path}.id", v)
    if a.ledger == 0:
        v.add(f"{path}.ledger", "must not be zero")
    if a.code == 0:
        v.add(f"{path}.code", "must not be zero")
    _check_currency(a.currency, f"{path}.currency", v)
    _check_metadata(a.metadata, f"{path}.metadata", v)
    if account_id is None:
        return None
    # Output-only fields (balances, version, timestamp) are ignored, as AIP-203 asks.
    return Account(
        id=account_id,
        ledger=a.ledger,
        currency=a.currency,
        code=a.code,
        flags=_flags_from_proto(a.flags, _ACCOUNT_FLAGS),
        metadata=dict(a.metadata),
    )


def accounts_from_proto(reqs: Sequence[ledger_pb2.Account]) -> list[Account]:
    """Domain accounts for a CreateAccounts batch; raises InvalidArgument listing violations."""
    _check_batch(reqs, "accounts", "account")
    v = _Violations()
    accounts: list[Account] = []
    for i, req in enumerate(reqs):
        if v.full:
            break
        account = _account(req, f"accounts[{i}]", v)
        if account is not None:
            accounts.append(account)
    v.raise_if_any()
    assert len(accounts) == len(reqs)
    return accounts


# -- transfers -------------------------------------------------------------------------------------


def _pending_id(t: ledger_pb2.Transfer, path: str, resolving: bool, v: _Violations) -> UUID | None:
    """None means "no hold": the domain's zero pending_id."""
    if not t.pending_id and not resolving:
        return None
    pending_id = _uuid_at(t.pending_id, path, "pending_id", v)
    # The all-zero UUID is well-formed; the engine reports it as PENDING_ID_MUST_NOT_BE_ZERO.
    return None if pending_id == _ZERO else pending_id


def _uuid_at(
    text: str, path: str, name: str, v: _Violations, *, empty: UUID | None = None
) -> UUID | None:
    """`_uuid` for a field of a batch element: the path is only formatted on a violation, as
    this runs three times per transfer on the hot path."""
    if text and _UUID_TEXT.fullmatch(text):
        return UUID(text)
    return _uuid(text, f"{path}.{name}", v, empty=empty)


def _transfer(t: ledger_pb2.Transfer, path: str, v: _Violations) -> Transfer | None:
    f = t.flags
    pending, post, void = f.pending, f.post_pending, f.void_pending
    flags = f.linked * _T_LINKED | pending * _T_PENDING | post * _T_POST | void * _T_VOID
    if pending + post + void > 1:
        v.add(f"{path}.flags", "at most one of pending, post_pending, void_pending may be set")
    # A post or void inherits accounts, currency and code from its hold: they may be empty.
    resolving = post or void
    inherited = _ZERO if resolving else None
    transfer_id = _uuid_at(t.id, path, "id", v)
    debit_id = _uuid_at(t.debit_account_id, path, "debit_account_id", v, empty=inherited)
    credit_id = _uuid_at(t.credit_account_id, path, "credit_account_id", v, empty=inherited)
    pending_id = _pending_id(t, path, resolving, v)
    amount = t.amount
    if amount < 0 or (amount == 0 and not resolving):
        v.add(f"{path}.amount", "must be positive (0 is allowed only on a post or void)")
    currency = t.currency
    if (currency or not resolving) and not is_currency(currency):
        _check_currency(currency, f"{path}.currency", v)
    if t.timeout_s > TIMEOUT_S_MAX:
        v.add(f"{path}.timeout_s", f"is {t.timeout_s}; at most {TIMEOUT_S_MAX}")
    metadata = dict(t.metadata)
    if metadata:
        _check_metadata(metadata, f"{path}.metadata", v)
    if transfer_id is None or debit_id is None or credit_id is None:
        return None
    # Output-only fields (ledger, timestamp, pending_status) are ignored, as AIP-203 asks.
    return Transfer(
        transfer_id, debit_id, credit_id, amount, currency, t.code, flags, pending_id,
        t.timeout_s, metadata,
    )  # fmt: skip


def transfers_from_proto(reqs: Sequence[ledger_pb2.Transfer]) -> list[Transfer]:
    """Domain transfers for a CreateTransfers batch; raises InvalidArgument listing violations."""
    _check_batch(reqs, "transfers", "transfer")
    v = _Violations()
    transfers: list[Transfer] = []
    for i, req in enumerate(reqs):
        if v.full:
            break
        transfer = _transfer(req, f"transfers[{i}]", v)
        if transfer is not None:
            transfers.append(transfer)
    v.raise_if_any()
    assert len(transfers) == len(reqs)
    return transfers


# -- enums and flags, kept in sync with the domain by name -----------------------------------------

# Built at import so that a domain member without a proto value (or a renamed one) stops the
# service from starting instead of failing the first request that produces it.
_ACCOUNT_RESULT: dict[CreateAccountResult, int] = {
    r: ledger_pb2.CreateAccountResultCode.Value(f"CREATE_ACCOUNT_RESULT_CODE_{r.name}")
    for r in CreateAccountResult
}
_TRANSFER_RESULT: dict[CreateTransferResult, int] = {
    r: ledger_pb2.CreateTransferResultCode.Value(f"CREATE_TRANSFER_RESULT_CODE_{r.name}")
    for r in CreateTransferResult
}
_PENDING_STATUS: dict[PendingStatus, int] = {
    s: ledger_pb2.PendingStatus.Value(f"PENDING_STATUS_{s.name}") for s in PendingStatus
}


def _flag_fields(flags: type[enum.IntFlag], message: type[Message]) -> dict[str, int]:
    """Proto bool field name -> domain bit: a flag LINKED is the field `linked`."""
    fields = {flag.name.lower(): int(flag) for flag in flags if flag.name}
    declared = {f.name for f in message.DESCRIPTOR.fields}
    assert set(fields) == declared, (flags, sorted(set(fields) ^ declared))
    return fields


_ACCOUNT_FLAGS = _flag_fields(AccountFlags, ledger_pb2.AccountFlags)
_TRANSFER_FLAGS = _flag_fields(TransferFlags, ledger_pb2.TransferFlags)


def _flags_from_proto(message: Message, fields: Mapping[str, int]) -> int:
    flags = 0
    for name, bit in fields.items():
        if getattr(message, name):
            flags |= bit
    return flags


def _flags_to_proto(flags: int, fields: Mapping[str, int]) -> dict[str, bool]:
    return {name: bool(flags & bit) for name, bit in fields.items()}


def account_result_to_proto(result: CreateAccountResult) -> ledger_pb2.CreateAccountResultCode:
    return cast(ledger_pb2.CreateAccountResultCode, _ACCOUNT_RESULT[result])


def transfer_result_to_proto(result: CreateTransferResult) -> ledger_pb2.CreateTransferResultCode:
    return cast(ledger_pb2.CreateTransferResultCode, _TRANSFER_RESULT[result])


def pending_status_to_proto(status: PendingStatus) -> ledger_pb2.PendingStatus:
    return cast(ledger_pb2.PendingStatus, _PENDING_STATUS[status])


# -- domain -> protobuf ----------------------------------------------------------------------------


def account_to_proto(account: Account) -> ledger_pb2.Account:
    return ledger_pb2.Account(
        id=str(account.id),
        ledger=account.ledger,
        currency=account.currency,
        code=account.code,
        flags=ledger_pb2.AccountFlags(**_flags_to_proto(account.flags, _ACCOUNT_FLAGS)),
        metadata=account.metadata,
        debits_pending=account.debits_pending,
        debits_posted=account.debits_posted,
        credits_pending=account.credits_pending,
        credits_posted=account.credits_posted,
        posted_balance=account.posted_balance,
        pending_balance=account.pending_balance,
        available_balance=account.available_balance,
        version=account.version,
        timestamp=account.timestamp,
    )


def transfer_to_proto(transfer: Transfer, pending_status: PendingStatus) -> ledger_pb2.Transfer:
    return ledger_pb2.Transfer(
        id=str(transfer.id),
        debit_account_id=str(transfer.debit_account_id),
        credit_account_id=str(transfer.credit_account_id),
        amount=transfer.amount,
        currency=transfer.currency,
        code=transfer.code,
        flags=ledger_pb2.TransferFlags(**_flags_to_proto(transfer.flags, _TRANSFER_FLAGS)),
        pending_id="" if transfer.pending_id is None else str(transfer.pending_id),
        timeout_s=transfer.timeout_s,
        metadata=transfer.metadata,
        ledger=transfer.ledger,
        timestamp=transfer.timestamp,
        pending_status=pending_status_to_proto(pending_status),
    )


def balance_to_proto(snapshot: BalanceSnapshot) -> ledger_pb2.AccountBalance:
    return ledger_pb2.AccountBalance(
        account_id=str(snapshot.account_id),
        version=snapshot.version,
        transfer_id=str(snapshot.transfer_id),
        timestamp=snapshot.timestamp,
        debits_pending=snapshot.debits_pending,
        debits_posted=snapshot.debits_posted,
        credits_pending=snapshot.credits_pending,
        credits_posted=snapshot.credits_posted,
        posted_balance=snapshot.credits_posted - snapshot.debits_posted,
    )
