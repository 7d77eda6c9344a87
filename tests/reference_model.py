"""A deliberately simple reference ledger, written independently of ledger/engine.py.

It shares nothing with the engine beyond the model's enums and dataclasses and the table of
currency codes: the state is plain dicts, every event is applied on its own, and a linked chain
is made atomic the blunt way, by deep-copying the whole state when the chain starts and putting
the copy back if the chain fails. Slow, obviously correct, and only meant for tests.

The semantics it encodes (TigerBeetle's, as the engine documents them):

* Timestamps: a batch starts its clock at ``max(now_ns, last_timestamp + 1)``; every event that
  is attempted takes the next nanosecond. Events of a failed chain that come after the failing
  event are not attempted and take none; a chain left open at the end of a batch is not applied
  at all, yet each of its events takes one. Every id passed to ``expire`` takes one.
* A hold with ``timeout_s`` expires at ``timestamp + timeout_s * 10**9``; from that instant on it
  can no longer be posted or voided, and ``expire`` voids it with a journal entry whose id is
  ``uuid5(EXPIRY_NAMESPACE, str(hold_id))``.
* A post or a void inherits the accounts, currency and code it leaves zero from the hold; a post
  with amount 0 posts the full hold, a smaller amount posts part of it and releases the rest.
* Idempotency: an id already stored answers EXISTS when the event says the same thing, else the
  first differing field's EXISTS_WITH_DIFFERENT_* code.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID, uuid5

from ledger.model import (
    METADATA_ENTRIES_MAX,
    METADATA_KEY_BYTES_MAX,
    METADATA_VALUE_BYTES_MAX,
    TIMEOUT_S_MAX,
    Account,
    AccountFlags,
    CreateAccountResult,
    CreateTransferResult,
    PendingStatus,
    Transfer,
    TransferFlags,
)
from ledger.money import CURRENCY_EXPONENT

R = CreateTransferResult
A = CreateAccountResult
E = TypeVar("E", Account, Transfer)
C = TypeVar("C", CreateAccountResult, CreateTransferResult)

INT64_MAX = 2**63 - 1
NS_PER_S = 1_000_000_000
EXPIRY_NAMESPACE = UUID("6f2b1c7e-6a35-4f4e-9a53-0c1d2e3f4a5b")

LINKED = 1  # the same bit for accounts and transfers
PENDING = int(TransferFlags.PENDING)
POST = int(TransferFlags.POST_PENDING)
VOID = int(TransferFlags.VOID_PENDING)
KNOWN_TRANSFER_FLAGS = LINKED | PENDING | POST | VOID
DMNEC = int(AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS)
CMNED = int(AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS)
CLOSED = int(AccountFlags.CLOSED)
KNOWN_ACCOUNT_FLAGS = LINKED | DMNEC | CMNED | CLOSED

BALANCE_FIELDS = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")


def reference_expiry_id(hold_id: UUID) -> UUID:
    return uuid5(EXPIRY_NAMESPACE, str(hold_id))


def is_zero(value: UUID | None) -> bool:
    return value is None or value.int == 0


def valid_currency(code: str) -> bool:
    return len(code) == 3 and code.isascii() and code.isupper() and code in CURRENCY_EXPONENT


def valid_metadata(metadata: dict[str, str]) -> bool:
    if len(metadata) > METADATA_ENTRIES_MAX:
        return False
    for key, value in metadata.items():
        if key == "" or len(key.encode("utf-8")) > METADATA_KEY_BYTES_MAX:
            return False
        if len(value.encode("utf-8")) > METADATA_VALUE_BYTES_MAX:
            return False
    return True


class ReferenceLedger:
    def __init__(self) -> None:
        # Everything a failed chain must take back lives in this one dict.
        self.state: dict[str, Any] = {
            "accounts": {},  # id -> dict of fields, balances and version
            "transfers": {},  # id -> stored Transfer (immutable)
            "holds": {},  # hold id -> {"status": PendingStatus, "expires_at": int}
            "journal": [],  # stored transfers in the order they were applied
        }
        self.last_timestamp = 0
        self.clock = 0

    # -- read access for the tests ------------------------------------------------------------

    @property
    def accounts(self) -> dict[UUID, dict[str, Any]]:
        return self.state["accounts"]  # type: ignore[no-any-return]

    @property
    def transfers(self) -> dict[UUID, Transfer]:
        return self.state["transfers"]  # type: ignore[no-any-return]

    @property
    def holds(self) -> dict[UUID, dict[str, Any]]:
        return self.state["holds"]  # type: ignore[no-any-return]

    @property
    def journal(self) -> list[Transfer]:
        return self.state["journal"]  # type: ignore[no-any-return]

    def balances(self, account_id: UUID) -> tuple[int, int, int, int]:
        row = self.accounts[account_id]
        return (
            row["debits_pending"],
            row["debits_posted"],
            row["credits_pending"],
            row["credits_posted"],
        )

    def due_holds(self, now_ns: int) -> list[UUID]:
        return [
            hold_id
            for hold_id, hold in self.holds.items()
            if hold["status"] == PendingStatus.PENDING and 0 < hold["expires_at"] <= now_ns
        ]

    # -- clock -----------------------------------------------------------------------------------

    def begin_batch(self, now_ns: int) -> None:
        self.clock = max(now_ns, self.last_timestamp + 1) - 1

    def _next_timestamp(self) -> int:
        self.clock += 1
        self.last_timestamp = self.clock
        return self.clock

    # -- batches -----------------------------------------------------------------------------

    def create_accounts(self, accounts: Sequence[Account]) -> list[CreateAccountResult]:
        return self._run(
            accounts, self._create_account, A.OK, A.LINKED_EVENT_FAILED, A.LINKED_EVENT_CHAIN_OPEN
        )

    def create_transfers(self, transfers: Sequence[Transfer]) -> list[CreateTransferResult]:
        return self._run(
            transfers,
            self._create_transfer,
            R.OK,
            R.LINKED_EVENT_FAILED,
            R.LINKED_EVENT_CHAIN_OPEN,
        )

    def _run(
        self,
        events: Sequence[E],
        apply: Callable[[E, int], C],
        ok: C,
        failed: C,
        chain_open: C,
    ) -> list[C]:
        results: list[C] = []
        chain_start: int | None = None  # index of the first event of the open chain
        chain_failure: int | None = None  # index of the event that broke it
        saved: dict[str, Any] = {}
        clock_at_chain_start = 0
        for index, event in enumerate(events):
            linked = bool(event.flags & LINKED)
            if chain_start is None and linked:
                chain_start, chain_failure = index, None
                saved = copy.deepcopy(self.state)
                clock_at_chain_start = self.clock
            if chain_start is not None and chain_failure is not None:
                results.append(failed)  # not attempted
            else:
                result = apply(event, self._next_timestamp())
                results.append(result)
                if chain_start is not None and result != ok:
                    chain_failure = index
            if chain_start is not None and not linked:  # this event closes the chain
                if chain_failure is not None:
                    self.state = saved
                    for k in range(chain_start, index + 1):
                        if k != chain_failure:
                            results[k] = failed
                chain_start = None
        if chain_start is not None:  # the batch ended inside a chain: none of it happened
            self.state = saved
            count = len(events) - chain_start
            results[chain_start:] = [failed] * (count - 1) + [chain_open]
            self.clock = clock_at_chain_start + count
            self.last_timestamp = self.clock
        return results

    # -- accounts ----------------------------------------------------------------------------

    def _create_account(self, a: Account, ts: int) -> CreateAccountResult:
        if a.id.int == 0:
            return A.ID_MUST_NOT_BE_ZERO
        if a.flags & ~KNOWN_ACCOUNT_FLAGS or (a.flags & DMNEC and a.flags & CMNED):
            return A.FLAGS_ARE_MUTUALLY_EXCLUSIVE
        if a.ledger <= 0:
            return A.LEDGER_MUST_NOT_BE_ZERO
        if a.code <= 0:
            return A.CODE_MUST_NOT_BE_ZERO
        if not valid_currency(a.currency):
            return A.CURRENCY_INVALID
        if not valid_metadata(a.metadata):
            return A.METADATA_INVALID
        row = self.accounts.get(a.id)
        if row is not None:
            for name, code in (
                ("flags", A.EXISTS_WITH_DIFFERENT_FLAGS),
                ("ledger", A.EXISTS_WITH_DIFFERENT_LEDGER),
                ("currency", A.EXISTS_WITH_DIFFERENT_CURRENCY),
                ("code", A.EXISTS_WITH_DIFFERENT_CODE),
                ("metadata", A.EXISTS_WITH_DIFFERENT_METADATA),
            ):
                if row[name] != getattr(a, name):
                    return code
            return A.EXISTS
        self.accounts[a.id] = {
            "ledger": a.ledger,
            "currency": a.currency,
            "code": a.code,
            "flags": a.flags,
            "metadata": dict(a.metadata),
            "debits_pending": 0,
            "debits_posted": 0,
            "credits_pending": 0,
            "credits_posted": 0,
            "version": 0,
            "timestamp": ts,
        }
        return A.OK

    # -- transfers ---------------------------------------------------------------------------

    def _create_transfer(self, t: Transfer, ts: int) -> CreateTransferResult:
        failure = self._check_alone(t)
        if failure is not None:
            return failure
        stored = self.transfers.get(t.id)
        if stored is not None:
            return self._compare_with_stored(t, stored)
        if t.flags & (POST | VOID):
            return self._post_or_void(t, ts)
        return self._single_phase_or_hold(t, ts)

    @staticmethod
    def _check_alone(t: Transfer) -> CreateTransferResult | None:
        """What can be said of the event without looking at the ledger, by precedence."""
        resolves = bool(t.flags & (POST | VOID))
        kinds = [bit for bit in (PENDING, POST, VOID) if t.flags & bit]
        if t.id.int == 0:
            return R.ID_MUST_NOT_BE_ZERO
        if t.flags & ~KNOWN_TRANSFER_FLAGS or len(kinds) > 1:
            return R.FLAGS_ARE_MUTUALLY_EXCLUSIVE
        if not resolves and t.debit_account_id.int == 0:
            return R.DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO
        if not resolves and t.credit_account_id.int == 0:
            return R.CREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO
        if t.debit_account_id.int != 0 and t.debit_account_id == t.credit_account_id:
            return R.ACCOUNTS_MUST_BE_DIFFERENT
        if not resolves and not is_zero(t.pending_id):
            return R.PENDING_ID_MUST_BE_ZERO
        if resolves and is_zero(t.pending_id):
            return R.PENDING_ID_MUST_NOT_BE_ZERO
        if resolves and t.pending_id == t.id:
            return R.PENDING_ID_MUST_BE_DIFFERENT
        if t.timeout_s != 0 and not t.flags & PENDING:
            return R.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER
        if t.timeout_s < 0 or t.timeout_s > TIMEOUT_S_MAX:
            return R.TIMEOUT_TOO_LARGE
        if t.amount < 0 or (t.amount == 0 and not resolves):
            return R.AMOUNT_MUST_BE_POSITIVE
        if t.amount > INT64_MAX:
            return R.AMOUNT_TOO_LARGE
        if not (resolves and t.currency == "") and not valid_currency(t.currency):
            return R.CURRENCY_INVALID
        if not valid_metadata(t.metadata):
            return R.METADATA_INVALID
        return None

    def _compare_with_stored(self, t: Transfer, e: Transfer) -> CreateTransferResult:
        pending_id = None if is_zero(t.pending_id) else t.pending_id
        hold = self.transfers.get(pending_id) if pending_id is not None else None
        debit, credit, amount = t.debit_account_id, t.credit_account_id, t.amount
        currency, code = t.currency, t.code
        if t.flags & (POST | VOID) and hold is not None:
            # Zero fields of a post or void stand for the hold's values.
            if debit.int == 0:
                debit = hold.debit_account_id
            if credit.int == 0:
                credit = hold.credit_account_id
            if amount == 0:
                amount = hold.amount
            currency = currency or hold.currency
            code = code or hold.code
        if t.flags != e.flags:
            return R.EXISTS_WITH_DIFFERENT_FLAGS
        if pending_id != e.pending_id:
            return R.EXISTS_WITH_DIFFERENT_PENDING_ID
        if t.timeout_s != e.timeout_s:
            return R.EXISTS_WITH_DIFFERENT_TIMEOUT
        if debit != e.debit_account_id:
            return R.EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT_ID
        if credit != e.credit_account_id:
            return R.EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT_ID
        if amount != e.amount:
            return R.EXISTS_WITH_DIFFERENT_AMOUNT
        if currency != e.currency:
            return R.EXISTS_WITH_DIFFERENT_CURRENCY
        if code != e.code:
            return R.EXISTS_WITH_DIFFERENT_CODE
        if t.metadata != e.metadata:
            return R.EXISTS_WITH_DIFFERENT_METADATA
        return R.EXISTS

    def _single_phase_or_hold(self, t: Transfer, ts: int) -> CreateTransferResult:
        dr = self.accounts.get(t.debit_account_id)
        if dr is None:
            return R.DEBIT_ACCOUNT_NOT_FOUND
        cr = self.accounts.get(t.credit_account_id)
        if cr is None:
            return R.CREDIT_ACCOUNT_NOT_FOUND
        if dr["ledger"] != cr["ledger"]:
            return R.ACCOUNTS_MUST_HAVE_THE_SAME_LEDGER
        if not t.currency == dr["currency"] == cr["currency"]:
            return R.CURRENCY_MISMATCH
        if dr["flags"] & CLOSED:
            return R.DEBIT_ACCOUNT_CLOSED
        if cr["flags"] & CLOSED:
            return R.CREDIT_ACCOUNT_CLOSED
        amount = t.amount
        is_hold = bool(t.flags & PENDING)
        dr_debits = dr["debits_pending"] + dr["debits_posted"]
        cr_credits = cr["credits_pending"] + cr["credits_posted"]
        checks = [
            (is_hold and dr["debits_pending"] + amount > INT64_MAX, R.OVERFLOWS_DEBITS_PENDING),
            (is_hold and cr["credits_pending"] + amount > INT64_MAX, R.OVERFLOWS_CREDITS_PENDING),
            (not is_hold and dr["debits_posted"] + amount > INT64_MAX, R.OVERFLOWS_DEBITS_POSTED),
            (
                not is_hold and cr["credits_posted"] + amount > INT64_MAX,
                R.OVERFLOWS_CREDITS_POSTED,
            ),
            (dr_debits + amount > INT64_MAX, R.OVERFLOWS_DEBITS),
            (cr_credits + amount > INT64_MAX, R.OVERFLOWS_CREDITS),
            (
                bool(dr["flags"] & DMNEC) and dr_debits + amount > dr["credits_posted"],
                R.EXCEEDS_CREDITS,
            ),
            (
                bool(cr["flags"] & CMNED) and cr_credits + amount > cr["debits_posted"],
                R.EXCEEDS_DEBITS,
            ),
        ]
        for broken, code in checks:
            if broken:
                return code
        if is_hold:
            dr["debits_pending"] += amount
            cr["credits_pending"] += amount
            expires_at = ts + t.timeout_s * NS_PER_S if t.timeout_s else 0
            self.holds[t.id] = {"status": PendingStatus.PENDING, "expires_at": expires_at}
        else:
            dr["debits_posted"] += amount
            cr["credits_posted"] += amount
        self._record(
            Transfer(
                id=t.id,
                debit_account_id=t.debit_account_id,
                credit_account_id=t.credit_account_id,
                amount=amount,
                currency=t.currency,
                code=t.code,
                flags=t.flags,
                pending_id=None,
                timeout_s=t.timeout_s,
                metadata=dict(t.metadata),
                ledger=dr["ledger"],
                timestamp=ts,
            )
        )
        return R.OK

    def _post_or_void(self, t: Transfer, ts: int) -> CreateTransferResult:
        assert t.pending_id is not None
        p = self.transfers.get(t.pending_id)
        if p is None:
            return R.PENDING_TRANSFER_NOT_FOUND
        if not p.flags & PENDING:
            return R.PENDING_TRANSFER_NOT_PENDING
        if t.debit_account_id.int != 0 and t.debit_account_id != p.debit_account_id:
            return R.PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID
        if t.credit_account_id.int != 0 and t.credit_account_id != p.credit_account_id:
            return R.PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID
        if t.currency != "" and t.currency != p.currency:
            return R.PENDING_TRANSFER_HAS_DIFFERENT_CURRENCY
        posting = bool(t.flags & POST)
        if posting and t.amount > p.amount:
            return R.EXCEEDS_PENDING_TRANSFER_AMOUNT
        if not posting and t.amount != 0 and t.amount != p.amount:
            return R.PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT
        hold = self.holds[p.id]
        if hold["status"] == PendingStatus.POSTED:
            return R.PENDING_TRANSFER_ALREADY_POSTED
        if hold["status"] == PendingStatus.VOIDED:
            return R.PENDING_TRANSFER_ALREADY_VOIDED
        if hold["status"] == PendingStatus.EXPIRED:
            return R.PENDING_TRANSFER_EXPIRED
        if hold["expires_at"] != 0 and hold["expires_at"] <= ts:
            return R.PENDING_TRANSFER_EXPIRED
        amount = t.amount if posting and t.amount != 0 else p.amount
        dr = self.accounts[p.debit_account_id]
        cr = self.accounts[p.credit_account_id]
        if posting and dr["debits_posted"] + amount > INT64_MAX:
            return R.OVERFLOWS_DEBITS_POSTED
        if posting and cr["credits_posted"] + amount > INT64_MAX:
            return R.OVERFLOWS_CREDITS_POSTED
        self._release(p, posted=amount if posting else 0)
        hold["status"] = PendingStatus.POSTED if posting else PendingStatus.VOIDED
        self._record(
            Transfer(
                id=t.id,
                debit_account_id=p.debit_account_id,
                credit_account_id=p.credit_account_id,
                amount=amount,
                currency=p.currency,
                code=t.code or p.code,
                flags=t.flags,
                pending_id=p.id,
                timeout_s=0,
                metadata=dict(t.metadata),
                ledger=p.ledger,
                timestamp=ts,
            )
        )
        return R.OK

    def expire(self, hold_ids: Sequence[UUID]) -> int:
        expired = 0
        for hold_id in hold_ids:
            ts = self._next_timestamp()
            hold = self.holds.get(hold_id)
            if hold is None or hold["status"] != PendingStatus.PENDING:
                continue
            if hold["expires_at"] == 0 or hold["expires_at"] > ts:
                continue
            p = self.transfers[hold_id]
            self._release(p, posted=0)
            hold["status"] = PendingStatus.EXPIRED
            self._record(
                Transfer(
                    id=reference_expiry_id(hold_id),
                    debit_account_id=p.debit_account_id,
                    credit_account_id=p.credit_account_id,
                    amount=p.amount,
                    currency=p.currency,
                    code=p.code,
                    flags=VOID,
                    pending_id=hold_id,
                    timeout_s=0,
                    metadata={"reason": "expired"},
                    ledger=p.ledger,
                    timestamp=ts,
                )
            )
            expired += 1
        return expired

    # -- shared by every applied transfer -------------------------------------------------------

    def _release(self, p: Transfer, posted: int) -> None:
        dr = self.accounts[p.debit_account_id]
        cr = self.accounts[p.credit_account_id]
        dr["debits_pending"] -= p.amount
        cr["credits_pending"] -= p.amount
        dr["debits_posted"] += posted
        cr["credits_posted"] += posted

    def _record(self, stored: Transfer) -> None:
        self.transfers[stored.id] = stored
        self.journal.append(stored)
        self.accounts[stored.debit_account_id]["version"] += 1
        self.accounts[stored.credit_account_id]["version"] += 1
