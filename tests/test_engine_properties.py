"""Model-based tests: the engine against the reference ledger in tests/reference_model.py.

The machine drives the engine the way the storage adapter does: one `LedgerState` lives across
batches, each batch gets a fresh `Engine(state, now_ns)` with the clock moving forward (sometimes
past hold timeouts), and each transfer batch starts by expiring the holds that are due. Batches
mix single-phase transfers, holds, full and partial posts, voids, retries of earlier ids (as sent
or altered), malformed events and linked chains, some of which fail or are left open.

After every batch the engine must agree with the reference event by event, and the books must
balance, replay from the journal, match their snapshots, respect every limit and hash-chain.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise
from typing import TypeVar
from uuid import UUID

from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from ledger.encoding import GENESIS_HASH, chain_hash
from ledger.engine import Changes, Engine, JournalEntry, LedgerState
from ledger.model import (
    TIMEOUT_S_MAX,
    Account,
    AccountFlags,
    BalanceSnapshot,
    CreateAccountResult,
    PendingStatus,
    Transfer,
    TransferFlags,
)
from ledger.money import AMOUNT_MAX
from tests.reference_model import ReferenceLedger

LINKED = int(TransferFlags.LINKED)
PENDING = int(TransferFlags.PENDING)
POST = int(TransferFlags.POST_PENDING)
VOID = int(TransferFlags.VOID_PENDING)
DMNEC = int(AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS)
CMNED = int(AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS)
CLOSED = int(AccountFlags.CLOSED)
SECOND = 1_000_000_000

ZERO = UUID(int=0)
UNKNOWN = UUID(int=0x99)


def _spec(n: int, ledger: int, currency: str, code: int, flags: int = 0) -> Account:
    return Account(id=UUID(int=n), ledger=ledger, currency=currency, code=code, flags=flags)


ACCOUNT_SPECS = (
    _spec(1, 1, "CNY", 1),  # escrow pool
    _spec(2, 1, "CNY", 2, DMNEC),  # customer wallet: may not go negative
    _spec(3, 1, "CNY", 3, CMNED),  # merchant receivable: may not be over-credited
    _spec(4, 1, "CNY", 1),
    _spec(5, 1, "USD", 1),  # same ledger, other currency
    _spec(6, 2, "CNY", 1),  # other ledger
    _spec(7, 2, "CNY", 3, CMNED),
    _spec(8, 1, "CNY", 1, CLOSED),
    _spec(9, 2, "JPY", 1),  # created later, by account batches only
    _spec(10, 1, "CNY", 2, DMNEC),  # ditto
)
INITIAL_ACCOUNTS = ACCOUNT_SPECS[:8]
POOL_IDS = [a.id for a in ACCOUNT_SPECS]

ADVANCES = (1, 1_000, SECOND, SECOND, 2 * SECOND, 3 * SECOND + 17, 7 * SECOND)
TIMEOUTS = (0, 0, 0, 1, 1, 2, 5) * 3 + (TIMEOUT_S_MAX, TIMEOUT_S_MAX + 1)
METADATA: tuple[dict[str, str], ...] = (
    {},
    {},
    {},
    {"order": "A-1"},
    {"商户": "杭州西湖店", "note": "prépayé"},
)
BAD_METADATA: tuple[dict[str, str], ...] = (
    {"": "x"},
    {"k" * 65: "v"},
    {"k": "v" * 257},
    {f"k{i}": "v" for i in range(17)},
)
TRANSFER_METADATA = METADATA * 20 + BAD_METADATA
CURRENCIES_ODD = ("CNY", "USD", "JPY", "cny", "XXX", "")
ANY_ACCOUNT = (*POOL_IDS, UNKNOWN)
WILD_ACCOUNTS = (*POOL_IDS[:4], ZERO, UNKNOWN)
ACCOUNT_CHANGES = ("none",) * 3 + ("flags", "ledger", "currency", "code", "metadata", "id")
TRANSFER_KINDS = (
    ("single",) * 4 + ("hold",) * 4 + ("post",) * 3 + ("void",) * 2 + ("retry",) * 3 + ("wild",)
)
RESOLVE_TARGETS: tuple[str, ...] = ("open",) * 12 + ("hold",) * 3 + ("recent",) * 3
RESOLVE_TARGETS += ("not-a-hold", "unknown", "none", "self")
POST_AMOUNTS = ("zero",) * 3 + ("exact", "partial", "partial", "over")
VOID_AMOUNTS = ("zero",) * 3 + ("exact", "over")
_CHANGES = ("amount", "amount-zero", "code", "metadata", "debit", "credit", "currency", "linked")
RETRY_CHANGES = ("same",) * 5 + _CHANGES + ("timeout", "pending")
RESOLVE_RETRY_CHANGES: tuple[str, ...] = ("same",) * 3 + _CHANGES
RESOLVE_RETRY_CHANGES += ("debit", "credit", "currency", "amount")
RESOLVE_RETRY_CHANGES += ("pending", "spelled-out", "spelled-out")
AMOUNT_KINDS = ("small",) * 8 + ("medium",) * 3 + ("zero", "negative", "huge")
HUGE_AMOUNTS = (AMOUNT_MAX - 100, AMOUNT_MAX, AMOUNT_MAX + 1)

T = TypeVar("T")


def pick(data: st.DataObject, choices: Sequence[T]) -> T:
    """One of `choices`; weights come from repetition. Cheaper than sampled_from per call."""
    return choices[data.draw(st.integers(0, len(choices) - 1))]


def describe(t: Transfer) -> str:
    """A transfer on one line, ids in hex, only the fields that are set."""
    kinds = ("pay", "hold", "post", "void")
    kind = "+".join(
        k for k, bit in zip(kinds[1:], (PENDING, POST, VOID), strict=True) if t.flags & bit
    )
    parts = [f"{kind or 'pay'}{'+linked' if t.flags & LINKED else ''}", f"#{t.id.int:x}"]
    parts.append(f"{t.debit_account_id.int:x}->{t.credit_account_id.int:x}")
    parts.append(f"{t.amount} {t.currency!r}")
    if t.pending_id is not None:
        parts.append(f"pending=#{t.pending_id.int:x}")
    if t.flags & ~15:
        parts.append(f"flags={t.flags}")
    for name in ("code", "timeout_s", "metadata"):
        if getattr(t, name):
            parts.append(f"{name}={getattr(t, name)}")
    return " ".join(parts)


def draw_amount(data: st.DataObject) -> int:
    kind = pick(data, AMOUNT_KINDS)
    if kind == "small":
        return data.draw(st.integers(1, 200))
    if kind == "medium":
        return data.draw(st.integers(200, 5_000))
    if kind == "zero":
        return 0
    if kind == "negative":
        return -1
    return pick(data, HUGE_AMOUNTS)


ORIGIN_TS = 10**15


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = LedgerState()
        self.ref = ReferenceLedger()
        self.now = ORIGIN_TS
        self.next_id = 0x1000
        self.submitted: list[Transfer] = []  # every transfer event ever sent, in order
        # What the journal says, accumulated from Changes across batches.
        self.entries: list[JournalEntry] = []
        self.head_hash = GENESIS_HASH
        self.last_timestamp = 0
        self.replayed: dict[UUID, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        self.open_holds: dict[UUID, Transfer] = {}  # journalled holds not yet resolved
        self.versions: dict[UUID, int] = defaultdict(int)
        self.last_snapshot: dict[UUID, BalanceSnapshot] = {}

    # -- batches ---------------------------------------------------------------------------------

    def _begin(self, advance: int) -> Engine:
        self.now += advance
        self.ref.begin_batch(self.now)
        return Engine(self.state, self.now)

    def _create_accounts(self, engine: Engine, events: list[Account]) -> None:
        got = engine.create_accounts(events)
        want = self.ref.create_accounts(events)
        note(f"accounts at {self.now - ORIGIN_TS:_} ns")
        for a, g, w in zip(events, got, want, strict=True):
            fields = f"ledger={a.ledger} {a.currency!r} code={a.code} flags={a.flags}"
            note(f"  #{a.id.int:x} {fields} {a.metadata} -> {g.name}")
            assert g == w, f"engine {g.name}, reference {w.name}"
        assert engine.changes.accounts_created == [
            a.id for a, code in zip(events, got, strict=True) if code == CreateAccountResult.OK
        ]
        self._absorb(engine.changes)

    @initialize()
    def open_accounts(self) -> None:
        engine = self._begin(0)
        self._create_accounts(engine, list(INITIAL_ACCOUNTS))
        assert set(self.state.accounts) == {a.id for a in INITIAL_ACCOUNTS}

    @rule(data=st.data())
    def batch(self, data: st.DataObject) -> None:
        if pick(data, (False,) * 5 + (True,)):
            self._account_batch(data)
        else:
            self._transfer_batch(data)

    def _account_batch(self, data: st.DataObject) -> None:
        events = []
        for _ in range(data.draw(st.integers(1, 4))):
            spec = pick(data, ACCOUNT_SPECS)
            a = Account(spec.id, spec.ledger, spec.currency, spec.code, spec.flags)
            change = pick(data, ACCOUNT_CHANGES)
            if change == "flags":
                a.flags ^= pick(data, (DMNEC, CMNED, CLOSED, DMNEC | CMNED, 16))
            elif change == "ledger":
                a.ledger = pick(data, (0, 1, 2, 3))
            elif change == "currency":
                a.currency = pick(data, CURRENCIES_ODD)
            elif change == "code":
                a.code = pick(data, (0, 1, 2, 5))
            elif change == "metadata":
                a.metadata = pick(data, METADATA + BAD_METADATA)
            elif change == "id":
                a.id = pick(data, (ZERO, UNKNOWN))
            if pick(data, (False, False, True)):
                a.flags |= LINKED
            events.append(a)
        self._create_accounts(self._begin(pick(data, ADVANCES)), events)

    def _transfer_batch(self, data: st.DataObject) -> None:
        engine = self._begin(pick(data, ADVANCES))
        was_due = self.ref.due_holds(self.now)
        due = list(was_due)
        sweep = pick(data, ("due", "due", "lagging", "noisy"))
        if sweep == "lagging" and due:  # the sweeper fell behind: some due holds stay pending
            due = due[: data.draw(st.integers(0, len(due) - 1))]
        elif sweep == "noisy":  # ids that must be ignored: not due, resolved, unknown, repeated
            extra = [t.id for t in self.submitted[-6:]] + [UNKNOWN] + due[:1]
            due += [pick(data, extra) for _ in range(data.draw(st.integers(0, 3)))]
        expired = engine.expire(due)
        note(
            f"transfers at {self.now - ORIGIN_TS:_} ns; "
            f"expire {[f'#{d.int:x}' for d in due]} -> {expired}"
        )
        assert expired == self.ref.expire(due)
        for hold_id in set(was_due).intersection(due):
            assert self.state.pending[hold_id].status == PendingStatus.EXPIRED

        events = [self._draw_transfer(data) for _ in range(data.draw(st.integers(1, 9)))]
        got = engine.create_transfers(events)
        want = self.ref.create_transfers(events)
        for t, g, w in zip(events, got, want, strict=True):
            note(f"  {describe(t)} -> {g.name}")
            assert g == w, f"{t}: engine {g.name}, reference {w.name}"
        self._absorb(engine.changes)

    # -- drawing events --------------------------------------------------------------------------

    def _new_id(self) -> UUID:
        self.next_id += 1
        return UUID(int=self.next_id)

    def _draw_accounts(self, data: st.DataObject) -> tuple[UUID, UUID]:
        """Mostly two open accounts that can trade; sometimes anything from the pool."""
        accounts = self.ref.accounts
        open_ids = sorted(i for i, a in accounts.items() if not a["flags"] & CLOSED)
        use_open_accounts = pick(data, (True,) * 4 + (False,))
        if open_ids and use_open_accounts:
            dr = pick(data, open_ids)
            market = (accounts[dr]["ledger"], accounts[dr]["currency"])
            peers = [
                i
                for i in open_ids
                if i != dr and (accounts[i]["ledger"], accounts[i]["currency"]) == market
            ]
            if peers:
                return dr, pick(data, peers)
        return pick(data, ANY_ACCOUNT), pick(data, ANY_ACCOUNT)

    def _draw_amount_for(self, data: st.DataObject, dr: UUID, cr: UUID) -> int:
        """Sometimes exactly the room a limit leaves, or one unit either side of it."""
        rooms = []
        debited, credited = self.ref.accounts.get(dr), self.ref.accounts.get(cr)
        if debited is not None and debited["flags"] & DMNEC:
            used = debited["debits_pending"] + debited["debits_posted"]
            rooms.append(debited["credits_posted"] - used)
        if credited is not None and credited["flags"] & CMNED:
            used = credited["credits_pending"] + credited["credits_posted"]
            rooms.append(credited["debits_posted"] - used)
        at_edge: bool = pick(data, [False, False, False, True])
        if rooms and at_edge:
            offset: int = pick(data, [-1, 0, 1])
            return max(1, int(min(rooms)) + offset)
        return draw_amount(data)

    def _currency_of(self, account_id: UUID) -> str:
        row = self.ref.accounts.get(account_id)
        return str(row["currency"]) if row is not None else "CNY"

    def _draw_transfer(self, data: st.DataObject) -> Transfer:
        kind = pick(data, TRANSFER_KINDS)
        no_open_holds = all(h["status"] != PendingStatus.PENDING for h in self.ref.holds.values())
        if kind in ("post", "void") and no_open_holds and pick(data, (False, True)):
            kind = "hold"  # nothing to resolve yet: make something
        if kind == "retry" and self.submitted:
            t = self._draw_retry(data)
        elif kind == "wild":
            t = self._draw_wild(data)
        else:
            linked = LINKED if pick(data, (False,) * 5 + (True,)) else 0
            if kind in ("post", "void"):
                t = self._draw_resolve(data, POST if kind == "post" else VOID, linked)
            else:
                dr, cr = self._draw_accounts(data)
                currency = self._currency_of(dr)
                if pick(data, (False,) * 9 + (True,)):
                    currency = pick(data, CURRENCIES_ODD)
                t = Transfer(
                    id=self._new_id(),
                    debit_account_id=dr,
                    credit_account_id=cr,
                    amount=self._draw_amount_for(data, dr, cr),
                    currency=currency,
                    code=pick(data, (0, 1, 7)),
                    flags=linked | (PENDING if kind == "hold" else 0),
                    timeout_s=pick(data, TIMEOUTS) if kind == "hold" else 0,
                    metadata=pick(data, TRANSFER_METADATA),
                )
        self.submitted.append(t)
        return t

    def _draw_resolve(self, data: st.DataObject, kind: int, linked: int) -> Transfer:
        holds = [t for t in self.submitted if t.flags & PENDING]
        still_open = [
            self.ref.transfers[i]
            for i, h in self.ref.holds.items()
            if h["status"] == PendingStatus.PENDING
        ]
        target = pick(data, RESOLVE_TARGETS)
        tid = self._new_id()
        p: Transfer | None = None
        pending_id: UUID | None
        if target == "open" and still_open:
            p = pick(data, still_open)
            pending_id = p.id
        elif target in ("open", "hold", "recent") and holds:
            p = pick(data, holds[-3:] if target == "recent" else holds)
            pending_id = p.id
        elif target == "not-a-hold" and self.ref.transfers:
            pending_id = pick(data, sorted(self.ref.transfers))
        elif target == "none":
            pending_id = pick(data, (None, ZERO))
        elif target == "self":
            pending_id = tid
        else:
            pending_id = UNKNOWN
        full = p.amount if p is not None and p.amount > 0 else 10
        how = pick(data, POST_AMOUNTS if kind == POST else VOID_AMOUNTS)
        if how == "zero":
            amount = 0
        elif how == "exact":
            amount = full
        elif how == "partial":
            amount = data.draw(st.integers(1, max(1, full - 1)))
        else:
            amount = full + 1
        dr = cr = ZERO
        currency = ""
        spelled = pick(data, ("none",) * 6 + ("same", "wrong-dr", "wrong-cr", "currency"))
        if spelled == "same" and p is not None:
            dr, cr, currency = p.debit_account_id, p.credit_account_id, p.currency
        elif spelled == "wrong-dr":
            dr = pick(data, POOL_IDS)
        elif spelled == "wrong-cr":
            cr = pick(data, POOL_IDS)
        elif spelled == "currency":
            currency = pick(data, ("CNY", "USD", "XXX"))
        return Transfer(
            id=tid,
            debit_account_id=dr,
            credit_account_id=cr,
            amount=amount,
            currency=currency,
            code=pick(data, (0, 0, 0, 1, 9)),
            flags=linked | kind,
            pending_id=pending_id,
            metadata=pick(data, TRANSFER_METADATA),
        )

    def _draw_retry(self, data: st.DataObject) -> Transfer:
        applied = [s for s in self.submitted if s.id in self.ref.transfers]
        resolves = [s for s in applied if s.flags & (POST | VOID)]
        source = pick(data, ("applied",) * 3 + ("resolve",) * 3 + ("any",))
        if source == "resolve" and resolves:
            t = pick(data, resolves)
        elif source != "any" and applied:
            t = pick(data, applied)
        else:
            t = pick(data, self.submitted)
        resolving = bool(t.flags & (POST | VOID))
        change = pick(data, RESOLVE_RETRY_CHANGES if resolving else RETRY_CHANGES)
        fields = {
            "id": t.id,
            "debit_account_id": t.debit_account_id,
            "credit_account_id": t.credit_account_id,
            "amount": t.amount,
            "currency": t.currency,
            "code": t.code,
            "flags": t.flags,
            "pending_id": t.pending_id,
            "timeout_s": t.timeout_s,
            "metadata": t.metadata,
        }
        if change == "amount":
            fields["amount"] = t.amount + 1
        elif change == "amount-zero":
            fields["amount"] = 0
        elif change == "code":
            fields["code"] = t.code + 1
        elif change == "metadata":
            fields["metadata"] = {"retry": "changed"}
        elif change == "debit":
            fields["debit_account_id"] = pick(data, POOL_IDS)
        elif change == "credit":
            fields["credit_account_id"] = pick(data, POOL_IDS)
        elif change == "currency":
            fields["currency"] = "USD" if t.currency != "USD" else "CNY"
        elif change == "timeout":
            fields["timeout_s"] = t.timeout_s + 1
        elif change == "linked":
            fields["flags"] = t.flags ^ LINKED
        elif change == "pending":
            holds = [s.id for s in self.submitted if s.flags & PENDING and s.id != t.id]
            fields["pending_id"] = pick(data, [*holds[-3:], UNKNOWN])
        elif change == "spelled-out":
            # A post or void naming the hold's own accounts, currency and amount says nothing new.
            p = self.ref.transfers.get(t.pending_id) if t.pending_id is not None else None
            if p is not None:
                fields["debit_account_id"] = p.debit_account_id
                fields["credit_account_id"] = p.credit_account_id
                fields["currency"] = p.currency
                if t.amount == 0:
                    fields["amount"] = p.amount
        return Transfer(**fields)  # type: ignore[arg-type]

    def _draw_wild(self, data: st.DataObject) -> Transfer:
        own = self._new_id()
        recent = tuple(s.id for s in self.submitted[-4:])
        return Transfer(
            id=pick(data, (own, own, own, ZERO)),
            debit_account_id=pick(data, WILD_ACCOUNTS),
            credit_account_id=pick(data, WILD_ACCOUNTS),
            amount=draw_amount(data),
            currency=pick(data, CURRENCIES_ODD),
            code=pick(data, (0, 1, 2**32 - 1)),
            flags=data.draw(st.integers(0, 31)),
            pending_id=pick(data, (None, None, ZERO, own, UNKNOWN, *recent)),
            timeout_s=pick(data, (-1, 0, 0, 1, TIMEOUT_S_MAX, TIMEOUT_S_MAX + 1)),
            metadata=pick(data, METADATA + BAD_METADATA),
        )

    # -- the journal, as a consumer of Changes would see it ----------------------------------

    def _absorb(self, changes: Changes) -> None:
        assert len(changes.snapshots) == 2 * len(changes.entries)
        touched: set[UUID] = set()
        created: set[UUID] = set()
        resolved: set[UUID] = set()
        for k, entry in enumerate(changes.entries):
            t = entry.transfer
            assert entry.seq == len(self.entries) + 1
            assert entry.prev_hash == self.head_hash
            assert entry.hash == chain_hash(self.head_hash, t)
            assert t.timestamp > self.last_timestamp
            self.head_hash, self.last_timestamp = entry.hash, t.timestamp
            self.entries.append(entry)
            self._replay(t, changes.snapshots[2 * k : 2 * k + 2])
            touched |= {t.debit_account_id, t.credit_account_id}
            if t.flags & PENDING:
                created.add(t.id)
            elif t.flags & (POST | VOID):
                assert t.pending_id is not None
                resolved.add(t.pending_id)
        assert changes.accounts_touched == touched
        assert changes.pending_created == created
        assert changes.pending_changed == resolved - created

    def _replay(self, t: Transfer, snapshots: list[BalanceSnapshot]) -> None:
        dr, cr = self.replayed[t.debit_account_id], self.replayed[t.credit_account_id]
        if t.flags & PENDING:
            dr[0] += t.amount
            cr[2] += t.amount
            self.open_holds[t.id] = t
        elif t.flags & (POST | VOID):
            assert t.pending_id is not None
            p = self.open_holds.pop(t.pending_id)  # resolved at most once
            assert (t.debit_account_id, t.credit_account_id) == (
                p.debit_account_id,
                p.credit_account_id,
            )
            assert (t.currency, t.ledger) == (p.currency, p.ledger)
            held = p.amount
            assert 0 < t.amount <= held
            dr[0] -= held
            cr[2] -= held
            if t.flags & POST:
                dr[1] += t.amount
                cr[3] += t.amount
            else:
                assert t.amount == held
        else:
            dr[1] += t.amount
            cr[3] += t.amount
        for account_id, row, snapshot in (
            (t.debit_account_id, dr, snapshots[0]),
            (t.credit_account_id, cr, snapshots[1]),
        ):
            self.versions[account_id] += 1  # versions run 1..n without gaps
            assert snapshot == BalanceSnapshot(
                account_id, t.ledger, self.versions[account_id], t.id, t.timestamp, *row
            )
            self.last_snapshot[account_id] = snapshot

    # -- invariants ------------------------------------------------------------------------------

    @invariant()
    def engine_matches_reference(self) -> None:
        state, ref = self.state, self.ref
        assert set(state.accounts) == set(ref.accounts)
        for account_id, account in state.accounts.items():
            row = ref.accounts[account_id]
            assert account.balances() == ref.balances(account_id)
            assert account.version == row["version"]
            fields = (account.ledger, account.currency, account.code, account.flags)
            assert fields == (row["ledger"], row["currency"], row["code"], row["flags"])
            assert (account.metadata, account.timestamp) == (row["metadata"], row["timestamp"])
        assert state.transfers == ref.transfers
        assert [e.transfer for e in self.entries] == ref.journal
        assert {k: (h.status, h.expires_at) for k, h in state.pending.items()} == {
            k: (h["status"], h["expires_at"]) for k, h in ref.holds.items()
        }
        assert state.last_timestamp == ref.last_timestamp

    @invariant()
    def books_balance(self) -> None:
        """Per currency, and per ledger and currency, credits and debits cancel out."""
        posted: dict[object, int] = defaultdict(int)
        pending: dict[object, int] = defaultdict(int)
        for a in self.state.accounts.values():
            for key in (a.currency, (a.ledger, a.currency)):
                posted[key] += a.credits_posted - a.debits_posted
                pending[key] += a.credits_pending - a.debits_pending
        assert all(v == 0 for v in posted.values()), posted
        assert all(v == 0 for v in pending.values()), pending

    @invariant()
    def balances_replay_from_journal_and_snapshots(self) -> None:
        for account_id, account in self.state.accounts.items():
            # The last snapshot was checked equal to the replay when absorbed.
            assert tuple(self.replayed.get(account_id, [0, 0, 0, 0])) == account.balances()
            assert account.version == self.versions.get(account_id, 0)
            last = self.last_snapshot.get(account_id)
            if last is not None:
                assert last.version == account.version
                pending = (last.debits_pending, last.credits_pending)
                posted = (last.debits_posted, last.credits_posted)
                assert pending == (account.debits_pending, account.credits_pending)
                assert posted == (account.debits_posted, account.credits_posted)
            assert min(account.balances()) >= 0
            assert account.debits_pending + account.debits_posted <= AMOUNT_MAX
            assert account.credits_pending + account.credits_posted <= AMOUNT_MAX
        assert set(self.replayed) <= set(self.state.accounts)
        # Open holds add up to the pending balances.
        held: dict[UUID, list[int]] = defaultdict(lambda: [0, 0])
        for hold_id, hold in self.state.pending.items():
            t = self.state.transfers[hold_id]
            assert hold.amount == t.amount and hold.ledger == t.ledger
            if hold.status == PendingStatus.PENDING:
                held[t.debit_account_id][0] += t.amount
                held[t.credit_account_id][1] += t.amount
        for account_id, account in self.state.accounts.items():
            expected = held.get(account_id, [0, 0])
            assert [account.debits_pending, account.credits_pending] == expected

    @invariant()
    def limits_hold(self) -> None:
        for a in self.state.accounts.values():
            if a.flags & DMNEC:
                assert a.debits_pending + a.debits_posted <= a.credits_posted
            if a.flags & CMNED:
                assert a.credits_pending + a.credits_posted <= a.debits_posted

    @invariant()
    def journal_head(self) -> None:
        assert self.state.head_seq == len(self.entries)
        assert self.state.head_hash == self.head_hash
        # Re-verify the whole chain from genesis, as an auditor would.
        previous = GENESIS_HASH
        for seq, entry in enumerate(self.entries, start=1):
            assert entry.seq == seq
            assert entry.hash == chain_hash(previous, entry.transfer)
            previous = entry.hash
        assert previous == self.state.head_hash
        timestamps = [e.transfer.timestamp for e in self.entries]
        assert all(a < b for a, b in pairwise(timestamps))
        assert not timestamps or timestamps[-1] <= self.state.last_timestamp


TestLedgerMachine = LedgerMachine.TestCase
TestLedgerMachine.settings = settings(
    max_examples=200,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
