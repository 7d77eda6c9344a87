"""The ledger's state machine: applies batches of events to a working copy of the rows they touch.

Pure: the storage adapter loads the accounts, transfers and hold states a batch refers to into a
`LedgerState`, the engine applies the events in order and records what changed in `Changes`, and
the adapter writes exactly that in the same database transaction. Every event gets its own result;
a linked chain is applied as a unit through an undo log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TypeVar
from uuid import UUID, uuid5

from ledger.encoding import GENESIS_HASH, chain_hash
from ledger.model import (
    ACCOUNT_FLAGS_ALL,
    TIMEOUT_S_MAX,
    TRANSFER_FLAGS_ALL,
    U32_MAX,
    Account,
    AccountFlags,
    BalanceSnapshot,
    CreateAccountResult,
    CreateTransferResult,
    PendingState,
    PendingStatus,
    Transfer,
    TransferFlags,
    metadata_is_valid,
)
from ledger.money import AMOUNT_MAX, is_currency

E = TypeVar("E")
C = TypeVar("C", CreateAccountResult, CreateTransferResult)
R = CreateTransferResult
A = CreateAccountResult
_LIMITS = int(
    AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS | AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS
)
_HOLD_KINDS = int(TransferFlags.PENDING | TransferFlags.POST_PENDING | TransferFlags.VOID_PENDING)
_RESOLVE = int(TransferFlags.POST_PENDING | TransferFlags.VOID_PENDING)
# Plain ints on the hot path: an IntFlag `&` costs a Python-level call (~1.4 us) each time.
_A_LINKED = int(AccountFlags.LINKED)
_A_CLOSED = int(AccountFlags.CLOSED)
_A_DMNEC = int(AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS)
_A_CMNED = int(AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS)
_T_LINKED = int(TransferFlags.LINKED)
_T_PENDING = int(TransferFlags.PENDING)
_T_POST = int(TransferFlags.POST_PENDING)
_NS_PER_S = 1_000_000_000
# Expiries are journal entries too; their ids derive from the hold's id so a replay is idempotent.
EXPIRY_NAMESPACE = UUID("6f2b1c7e-6a35-4f4e-9a53-0c1d2e3f4a5b")


def expiry_id(pending_id: UUID) -> UUID:
    return uuid5(EXPIRY_NAMESPACE, str(pending_id))


@dataclass(frozen=True, slots=True)
class JournalEntry:
    transfer: Transfer
    seq: int
    prev_hash: bytes
    hash: bytes


@dataclass(slots=True)
class LedgerState:
    """The rows a batch may touch, as the adapter loaded them inside the batch's transaction."""

    accounts: dict[UUID, Account] = field(default_factory=dict)
    transfers: dict[UUID, Transfer] = field(default_factory=dict)
    pending: dict[UUID, PendingState] = field(default_factory=dict)
    head_seq: int = 0
    head_hash: bytes = GENESIS_HASH
    last_timestamp: int = 0


@dataclass(slots=True)
class Changes:
    """What one batch wrote; the adapter persists exactly this."""

    accounts_created: list[UUID] = field(default_factory=list)
    accounts_touched: set[UUID] = field(default_factory=set)
    entries: list[JournalEntry] = field(default_factory=list)
    snapshots: list[BalanceSnapshot] = field(default_factory=list)
    pending_created: set[UUID] = field(default_factory=set)
    pending_changed: set[UUID] = field(default_factory=set)


class Engine:
    """Applies events to a `LedgerState`. One instance per batch; not thread-safe."""

    def __init__(self, state: LedgerState, now_ns: int) -> None:
        self.state = state
        self.changes = Changes()
        self._clock = max(now_ns, state.last_timestamp + 1) - 1
        self._undo: list[Callable[[], None]] | None = None

    # -- timestamps ---------------------------------------------------------------------------

    def _tick(self) -> int:
        self._clock += 1
        self.state.last_timestamp = self._clock
        return self._clock

    # -- batches and linked chains --------------------------------------------------------------

    def _run_batch(
        self,
        events: Sequence[E],
        is_linked: Callable[[E], bool],
        apply: Callable[[E, int], C],
        ok: C,
        failed: C,
        chain_open: C,
    ) -> list[C]:
        results: list[C] = [ok] * len(events)
        i = 0
        n = len(events)
        while i < n:
            if not is_linked(events[i]):
                results[i] = apply(events[i], self._tick())
                i += 1
                continue
            # A chain runs from i to the first event without the linked flag.
            j = i
            while j < n and is_linked(events[j]):
                j += 1
            if j == n:  # the batch ends inside the chain
                for k in range(i, n - 1):
                    results[k] = failed
                results[n - 1] = chain_open
                for _ in range(i, n):
                    self._tick()
                return results
            self._undo = []
            failure = -1
            for k in range(i, j + 1):
                code = apply(events[k], self._tick())
                if code != ok:
                    results[k] = code
                    failure = k
                    break
            undo, self._undo = self._undo, None
            if failure >= 0:
                for action in reversed(undo):
                    action()
                for k in range(i, j + 1):
                    if k != failure:
                        results[k] = failed
            i = j + 1
        return results

    # -- accounts ----------------------------------------------------------------------------------

    def create_accounts(self, accounts: Sequence[Account]) -> list[CreateAccountResult]:
        return self._run_batch(
            accounts,
            lambda a: bool(a.flags & _A_LINKED),
            self._create_account,
            A.OK,
            A.LINKED_EVENT_FAILED,
            A.LINKED_EVENT_CHAIN_OPEN,
        )

    def _create_account(self, a: Account, ts: int) -> CreateAccountResult:
        if a.id.int == 0:
            return A.ID_MUST_NOT_BE_ZERO
        if a.flags & ~ACCOUNT_FLAGS_ALL or a.flags & _LIMITS == _LIMITS:
            return A.FLAGS_ARE_MUTUALLY_EXCLUSIVE
        if a.ledger <= 0:
            return A.LEDGER_MUST_NOT_BE_ZERO
        if a.code <= 0:
            return A.CODE_MUST_NOT_BE_ZERO
        if a.ledger > U32_MAX:
            return A.LEDGER_TOO_LARGE
        if a.code > U32_MAX:
            return A.CODE_TOO_LARGE
        if not is_currency(a.currency):
            return A.CURRENCY_INVALID
        if not metadata_is_valid(a.metadata):
            return A.METADATA_INVALID
        existing = self.state.accounts.get(a.id)
        if existing is not None:
            if existing.flags != a.flags:
                return A.EXISTS_WITH_DIFFERENT_FLAGS
            if existing.ledger != a.ledger:
                return A.EXISTS_WITH_DIFFERENT_LEDGER
            if existing.currency != a.currency:
                return A.EXISTS_WITH_DIFFERENT_CURRENCY
            if existing.code != a.code:
                return A.EXISTS_WITH_DIFFERENT_CODE
            if existing.metadata != a.metadata:
                return A.EXISTS_WITH_DIFFERENT_METADATA
            return A.EXISTS
        created = Account(
            id=a.id,
            ledger=a.ledger,
            currency=a.currency,
            code=a.code,
            flags=a.flags,
            metadata=dict(a.metadata),
            timestamp=ts,
        )
        self.state.accounts[a.id] = created
        self.changes.accounts_created.append(a.id)
        if self._undo is not None:
            self._undo.append(lambda: self._forget_account(a.id))
        return A.OK

    def _forget_account(self, account_id: UUID) -> None:
        del self.state.accounts[account_id]
        self.changes.accounts_created.remove(account_id)

    # -- transfers ---------------------------------------------------------------------------------

    def create_transfers(self, transfers: Sequence[Transfer]) -> list[CreateTransferResult]:
        return self._run_batch(
            transfers,
            lambda t: bool(t.flags & _T_LINKED),
            self._create_transfer,
            R.OK,
            R.LINKED_EVENT_FAILED,
            R.LINKED_EVENT_CHAIN_OPEN,
        )

    def expire(self, pending_ids: Sequence[UUID]) -> int:
        """Void the given holds whose timeout has passed; returns how many expired.

        The adapter must have loaded each hold and any transfer already stored under
        `expiry_id(hold)`: a client may have taken that id for a transfer of its own."""
        expired = 0
        for pending_id in pending_ids:
            ts = self._tick()
            hold = self.state.pending.get(pending_id)
            if hold is None or hold.status != PendingStatus.PENDING:
                continue
            if not 0 < hold.expires_at <= ts:
                continue
            p = self.state.transfers[pending_id]
            entry_id = expiry_id(pending_id)
            if entry_id in self.state.transfers:  # taken: derive from the (unique) timestamp
                entry_id = uuid5(EXPIRY_NAMESPACE, f"{pending_id}@{ts}")
            entry = Transfer(
                id=entry_id,
                debit_account_id=p.debit_account_id,
                credit_account_id=p.credit_account_id,
                amount=p.amount,
                currency=p.currency,
                code=p.code,
                flags=int(TransferFlags.VOID_PENDING),
                pending_id=pending_id,
                metadata={"reason": "expired"},
                ledger=p.ledger,
                timestamp=ts,
            )
            self._resolve(entry, p, hold, PendingStatus.EXPIRED)
            expired += 1
        return expired

    def _create_transfer(self, t: Transfer, ts: int) -> CreateTransferResult:
        if t.pending_id is not None and t.pending_id.int == 0:
            t = replace(t, pending_id=None)  # the zero id means "none", as in the encoding
        code = _validate_transfer(t)
        if code is not None:
            return code
        resolving = bool(t.flags & _RESOLVE)
        pending = self.state.transfers.get(t.pending_id) if t.pending_id is not None else None
        existing = self.state.transfers.get(t.id)
        if existing is not None:
            effective = _inherit(t, pending) if resolving and pending is not None else t
            return _compare_existing(effective, existing)
        if resolving:
            return self._create_resolve(t, pending, ts)
        return self._create_single_phase_or_hold(t, ts)

    def _create_single_phase_or_hold(self, t: Transfer, ts: int) -> CreateTransferResult:
        accounts = self.state.accounts
        dr = accounts.get(t.debit_account_id)
        if dr is None:
            return R.DEBIT_ACCOUNT_NOT_FOUND
        cr = accounts.get(t.credit_account_id)
        if cr is None:
            return R.CREDIT_ACCOUNT_NOT_FOUND
        if dr.ledger != cr.ledger:
            return R.ACCOUNTS_MUST_HAVE_THE_SAME_LEDGER
        if t.currency != dr.currency or t.currency != cr.currency:
            return R.CURRENCY_MISMATCH
        if dr.flags & _A_CLOSED:
            return R.DEBIT_ACCOUNT_CLOSED
        if cr.flags & _A_CLOSED:
            return R.CREDIT_ACCOUNT_CLOSED
        amount = t.amount
        is_hold = bool(t.flags & _T_PENDING)
        if is_hold:
            if dr.debits_pending + amount > AMOUNT_MAX:
                return R.OVERFLOWS_DEBITS_PENDING
            if cr.credits_pending + amount > AMOUNT_MAX:
                return R.OVERFLOWS_CREDITS_PENDING
        else:
            if dr.debits_posted + amount > AMOUNT_MAX:
                return R.OVERFLOWS_DEBITS_POSTED
            if cr.credits_posted + amount > AMOUNT_MAX:
                return R.OVERFLOWS_CREDITS_POSTED
        if dr.debits_pending + dr.debits_posted + amount > AMOUNT_MAX:
            return R.OVERFLOWS_DEBITS
        if cr.credits_pending + cr.credits_posted + amount > AMOUNT_MAX:
            return R.OVERFLOWS_CREDITS
        if (
            dr.flags & _A_DMNEC
            and dr.debits_pending + dr.debits_posted + amount > dr.credits_posted
        ):
            return R.EXCEEDS_CREDITS
        if (
            cr.flags & _A_CMNED
            and cr.credits_pending + cr.credits_posted + amount > cr.debits_posted
        ):
            return R.EXCEEDS_DEBITS
        # Built directly: dataclasses.replace costs ~20 us on this path.
        stored = Transfer(
            t.id, t.debit_account_id, t.credit_account_id, amount, t.currency, t.code, t.flags,
            None, t.timeout_s, dict(t.metadata) if t.metadata else {}, dr.ledger, ts,
        )  # fmt: skip
        self._save_balances(dr, cr)
        if is_hold:
            dr.debits_pending += amount
            cr.credits_pending += amount
            expires_at = ts + t.timeout_s * _NS_PER_S if t.timeout_s else 0
            hold = PendingState(t.id, dr.ledger, PendingStatus.PENDING, expires_at, amount)
            self.state.pending[t.id] = hold
            self.changes.pending_created.add(t.id)
            if self._undo is not None:
                self._undo.append(lambda: self._forget_hold(t.id))
        else:
            dr.debits_posted += amount
            cr.credits_posted += amount
        self._append(stored, dr, cr)
        return R.OK

    def _forget_hold(self, pending_id: UUID) -> None:
        del self.state.pending[pending_id]
        self.changes.pending_created.discard(pending_id)

    def _create_resolve(self, t: Transfer, p: Transfer | None, ts: int) -> CreateTransferResult:
        if p is None:
            return R.PENDING_TRANSFER_NOT_FOUND
        if not p.flags & _T_PENDING:
            return R.PENDING_TRANSFER_NOT_PENDING
        if t.debit_account_id.int and t.debit_account_id != p.debit_account_id:
            return R.PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID
        if t.credit_account_id.int and t.credit_account_id != p.credit_account_id:
            return R.PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID
        if t.currency and t.currency != p.currency:
            return R.PENDING_TRANSFER_HAS_DIFFERENT_CURRENCY
        posting = bool(t.flags & _T_POST)
        if posting and t.amount > p.amount:
            return R.EXCEEDS_PENDING_TRANSFER_AMOUNT
        if not posting and t.amount not in (0, p.amount):
            return R.PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT
        hold = self.state.pending[p.id]
        if hold.status == PendingStatus.POSTED:
            return R.PENDING_TRANSFER_ALREADY_POSTED
        if hold.status == PendingStatus.VOIDED:
            return R.PENDING_TRANSFER_ALREADY_VOIDED
        if hold.status == PendingStatus.EXPIRED or 0 < hold.expires_at <= ts:
            return R.PENDING_TRANSFER_EXPIRED
        assert hold.status == PendingStatus.PENDING
        effective = _inherit(t, p)
        if posting:
            dr = self.state.accounts[p.debit_account_id]
            cr = self.state.accounts[p.credit_account_id]
            if dr.debits_posted + effective.amount > AMOUNT_MAX:
                return R.OVERFLOWS_DEBITS_POSTED
            if cr.credits_posted + effective.amount > AMOUNT_MAX:
                return R.OVERFLOWS_CREDITS_POSTED
        stored = replace(effective, ledger=p.ledger, timestamp=ts)
        self._resolve(stored, p, hold, PendingStatus.POSTED if posting else PendingStatus.VOIDED)
        return R.OK

    def _resolve(
        self, stored: Transfer, p: Transfer, hold: PendingState, status: PendingStatus
    ) -> None:
        dr = self.state.accounts[p.debit_account_id]
        cr = self.state.accounts[p.credit_account_id]
        self._save_balances(dr, cr)
        dr.debits_pending -= p.amount
        cr.credits_pending -= p.amount
        if status == PendingStatus.POSTED:
            dr.debits_posted += stored.amount
            cr.credits_posted += stored.amount
        assert dr.debits_pending >= 0 and cr.credits_pending >= 0
        self.state.pending[p.id] = replace(hold, status=status)
        changed_before = p.id in self.changes.pending_changed
        if p.id not in self.changes.pending_created:
            self.changes.pending_changed.add(p.id)
        if self._undo is not None:
            self._undo.append(lambda: self._restore_hold(hold, changed_before))
        self._append(stored, dr, cr)

    def _restore_hold(self, hold: PendingState, changed_before: bool) -> None:
        self.state.pending[hold.transfer_id] = hold
        if not changed_before:
            self.changes.pending_changed.discard(hold.transfer_id)

    # -- bookkeeping shared by every applied transfer -----------------------------------------

    def _save_balances(self, dr: Account, cr: Account) -> None:
        if self._undo is None:
            return
        touched = self.changes.accounts_touched
        for account in (dr, cr):
            saved = (*account.balances(), account.version)
            was_touched = account.id in touched
            self._undo.append(partial(self._restore_account, account, saved, was_touched))

    def _restore_account(
        self, account: Account, saved: tuple[int, int, int, int, int], was_touched: bool
    ) -> None:
        (
            account.debits_pending,
            account.debits_posted,
            account.credits_pending,
            account.credits_posted,
            account.version,
        ) = saved
        if not was_touched:
            self.changes.accounts_touched.discard(account.id)

    def _append(self, stored: Transfer, dr: Account, cr: Account) -> None:
        state, changes = self.state, self.changes
        prev = state.head_hash
        entry = JournalEntry(stored, state.head_seq + 1, prev, chain_hash(prev, stored))
        state.head_seq, state.head_hash = entry.seq, entry.hash
        state.transfers[stored.id] = stored
        changes.entries.append(entry)
        for account in (dr, cr):
            account.version += 1
            changes.accounts_touched.add(account.id)
            changes.snapshots.append(
                BalanceSnapshot(
                    account.id,
                    account.ledger,
                    account.version,
                    stored.id,
                    stored.timestamp,
                    *account.balances(),
                )
            )
        if self._undo is not None:
            self._undo.append(lambda: self._drop_entry(stored.id, prev))

    def _drop_entry(self, transfer_id: UUID, prev_hash: bytes) -> None:
        state, changes = self.state, self.changes
        entry = changes.entries.pop()
        assert entry.transfer.id == transfer_id
        del changes.snapshots[-2:]
        del state.transfers[transfer_id]
        state.head_seq, state.head_hash = entry.seq - 1, prev_hash


def _validate_transfer(t: Transfer) -> CreateTransferResult | None:
    """Checks that need no stored state, in precedence order."""
    if t.id.int == 0:
        return R.ID_MUST_NOT_BE_ZERO
    flags = t.flags
    kinds = flags & _HOLD_KINDS
    if flags & ~TRANSFER_FLAGS_ALL or kinds & (kinds - 1):
        return R.FLAGS_ARE_MUTUALLY_EXCLUSIVE
    resolving = bool(flags & _RESOLVE)
    if not resolving:
        if t.debit_account_id.int == 0:
            return R.DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO
        if t.credit_account_id.int == 0:
            return R.CREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO
    if t.debit_account_id == t.credit_account_id and t.debit_account_id.int:
        return R.ACCOUNTS_MUST_BE_DIFFERENT
    if not resolving and t.pending_id is not None:
        return R.PENDING_ID_MUST_BE_ZERO
    if resolving:
        if t.pending_id is None:
            return R.PENDING_ID_MUST_NOT_BE_ZERO
        if t.pending_id == t.id:
            return R.PENDING_ID_MUST_BE_DIFFERENT
    if t.timeout_s and not flags & _T_PENDING:
        return R.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER
    if not 0 <= t.timeout_s <= TIMEOUT_S_MAX:
        return R.TIMEOUT_TOO_LARGE
    if not 0 <= t.code <= U32_MAX:
        return R.CODE_TOO_LARGE
    if t.amount < 0 or (t.amount == 0 and not resolving):
        return R.AMOUNT_MUST_BE_POSITIVE
    if t.amount > AMOUNT_MAX:
        return R.AMOUNT_TOO_LARGE
    if (t.currency or not resolving) and not is_currency(t.currency):
        return R.CURRENCY_INVALID
    if not metadata_is_valid(t.metadata):
        return R.METADATA_INVALID
    return None


def _inherit(t: Transfer, p: Transfer) -> Transfer:
    """A post or void leaves accounts, amount, currency and code to the hold it resolves.

    Only fields left zero (or empty) are inherited: a retry that names a different account,
    currency or amount than the one stored must be reported as EXISTS_WITH_DIFFERENT_*, not as
    EXISTS. (A void is only ever applied with amount 0 or the hold's amount.)
    """
    return replace(
        t,
        debit_account_id=t.debit_account_id if t.debit_account_id.int else p.debit_account_id,
        credit_account_id=t.credit_account_id if t.credit_account_id.int else p.credit_account_id,
        amount=t.amount or p.amount,
        currency=t.currency or p.currency,
        code=t.code or p.code,
    )


def _compare_existing(t: Transfer, e: Transfer) -> CreateTransferResult:
    if t.flags != e.flags:
        return R.EXISTS_WITH_DIFFERENT_FLAGS
    if t.pending_id != e.pending_id:
        return R.EXISTS_WITH_DIFFERENT_PENDING_ID
    if t.timeout_s != e.timeout_s:
        return R.EXISTS_WITH_DIFFERENT_TIMEOUT
    if t.debit_account_id != e.debit_account_id:
        return R.EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT_ID
    if t.credit_account_id != e.credit_account_id:
        return R.EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT_ID
    if t.amount != e.amount:
        return R.EXISTS_WITH_DIFFERENT_AMOUNT
    if t.currency != e.currency:
        return R.EXISTS_WITH_DIFFERENT_CURRENCY
    if t.code != e.code:
        return R.EXISTS_WITH_DIFFERENT_CODE
    if t.metadata != e.metadata:
        return R.EXISTS_WITH_DIFFERENT_METADATA
    return R.EXISTS
