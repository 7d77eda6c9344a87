"""Model-based property test through the real writer and PostgreSQL.

Random batches of transfers, holds with timeouts, posts, voids, retries and linked chains go
through the batching writer into PostgreSQL and, in parallel, into the independent reference
model. Results and balances must agree after every batch; at the end the whole database must
satisfy the ledger invariants (debits = credits, balances = journal replay, chain intact, limits).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.model import Account, AccountFlags, Transfer, TransferFlags
from ledger.pg import migrate
from ledger.pg.database import create_database, drop_database, libpq_url, make_engine
from ledger.pg.reader import Reader
from ledger.pg.writer import Writer
from tests.reference_model import ReferenceLedger
from tests.support import check_invariants

NS = 1_000_000_000
LIMITS = [
    0,
    int(AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS),
    int(AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS),
    int(AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS),
]


class Rig:
    def __init__(self, url: str) -> None:
        self.url = url
        self.now = 1_700_000_000 * NS
        self.writer = Writer(url, clock=lambda: self.now)
        assert self.writer.start()
        self.engine = make_engine(url)
        self.reader = Reader(self.engine)


@pytest.fixture(scope="module")
def rig(pg_server_url: str) -> Iterator[Rig]:
    name = f"fangxin_prop_{uuid.uuid4().hex[:12]}"
    url = create_database(pg_server_url, name)
    migrate.upgrade(url)
    r = Rig(url)
    yield r
    r.writer.stop()
    r.engine.dispose()
    drop_database(pg_server_url, name)


# An event is drawn as a recipe and made concrete against the example's accounts and history.
recipe = st.tuples(
    st.sampled_from(["single", "single", "hold", "post", "void", "retry", "retry_altered"]),
    st.integers(0, 4),  # debit index (4 = an unknown account)
    st.integers(0, 3),  # credit index
    st.sampled_from([1, 7, 50, 300, 2**62]),  # amount
    st.booleans(),  # linked
    st.integers(0, 3),  # timeout_s for holds; pick of earlier event for post/void/retry
)
batches = st.lists(
    st.tuples(st.lists(recipe, min_size=1, max_size=8), st.integers(0, 3)), min_size=1, max_size=6
)


def _make(kind: str, r: tuple[str, int, int, int, bool, int], ids: list[uuid.UUID],
          history: list[Transfer]) -> Transfer:  # fmt: skip
    _, d, c, amount, linked, pick = r
    flags = int(TransferFlags.LINKED) if linked else 0
    holds = [t for t in history if t.flags & TransferFlags.PENDING]
    zero = uuid.UUID(int=0)
    if kind in ("post", "void") and holds:
        hold = holds[pick % len(holds)]
        flags |= int(TransferFlags.POST_PENDING if kind == "post" else TransferFlags.VOID_PENDING)
        post_amount = 0 if kind == "void" or pick == 0 else min(amount, hold.amount)
        return Transfer(uuid.uuid4(), zero, zero, post_amount, "", 0, flags, hold.id)
    if kind.startswith("retry") and history:
        old = history[pick % len(history)]
        if kind == "retry_altered":
            return Transfer(
                old.id, old.debit_account_id, old.credit_account_id, old.amount + 1,
                old.currency, old.code, old.flags, old.pending_id, old.timeout_s,
            )  # fmt: skip
        return old
    debit = ids[d] if d < len(ids) else uuid.uuid4()
    credit = ids[c]
    if kind == "hold":
        flags |= int(TransferFlags.PENDING)
        return Transfer(uuid.uuid4(), debit, credit, amount, "CNY", 1, flags, None, pick)
    return Transfer(uuid.uuid4(), debit, credit, amount, "CNY", 1, flags)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=batches)
def test_writer_and_database_match_the_reference_model(
    rig: Rig, plan: list[tuple[list[tuple[str, int, int, int, bool, int]], int]]
) -> None:
    ids = [uuid.uuid4() for _ in LIMITS]
    ref = ReferenceLedger()
    accounts = [Account(i, 1, "CNY", 1, flags) for i, flags in zip(ids, LIMITS, strict=True)]
    ref.begin_batch(rig.now)
    ref.create_accounts(accounts)
    assert [r for r, _ in rig.writer.submit_accounts(accounts)] == [0, 0, 0, 0]
    history: list[Transfer] = []
    for recipes, advance_s in plan:
        rig.now += advance_s * NS
        events = [_make(r[0], r, ids, history) for r in recipes]
        ref.begin_batch(rig.now)
        ref.expire(ref.due_holds(rig.now))
        expected = ref.create_transfers(events)
        got = [r for r, _ in rig.writer.submit_transfers(events)]
        assert got == expected, events
        history += [e for e, code in zip(events, got, strict=True) if code == 0]
        stored = {a.id: a.balances() for a in rig.reader.lookup_accounts(ids)}
        assert stored == {i: ref.balances(i) for i in ids}
    check_invariants(rig.url)
    # Nothing overdue is left unswept: the writer expires holds at every batch.
    with psycopg.connect(libpq_url(rig.url)) as conn:
        overdue = conn.execute(
            "SELECT count(*) FROM pending_transfers WHERE status = 1 AND expires_at > 0"
            " AND expires_at < %s",
            (rig.now - 10 * NS,),
        ).fetchone()
    assert overdue == (0,)
