"""Helpers shared by the gRPC-level tests: servers, stubs, invariant checks on the database."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

import grpc
import psycopg

from fangxin.v1 import ledger_pb2 as pb
from fangxin.v1 import ledger_pb2_grpc
from ledger.audit import verify_chain
from ledger.pg.database import libpq_url, make_engine
from ledger.pg.reader import journal
from services.server import Running, create_server
from services.settings import Settings

OK = pb.CREATE_TRANSFER_RESULT_CODE_OK
EXISTS = pb.CREATE_TRANSFER_RESULT_CODE_EXISTS


@contextmanager
def running_server(database_url: str) -> Iterator[Running]:
    running = create_server(Settings(listen="127.0.0.1:0", grpc_workers=48), database_url)
    try:
        yield running
    finally:
        running.stop(grace_s=2)


@contextmanager
def ledger_stub(port: int) -> Iterator[ledger_pb2_grpc.LedgerServiceStub]:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield ledger_pb2_grpc.LedgerServiceStub(channel)  # type: ignore[no-untyped-call]


def new_accounts(
    stub: ledger_pb2_grpc.LedgerServiceStub, n: int, *, limit: bool = False, currency: str = "CNY"
) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in range(n)]
    flags = pb.AccountFlags(debits_must_not_exceed_credits=limit)
    accounts = [pb.Account(id=i, ledger=1, currency=currency, code=1, flags=flags) for i in ids]
    reply = stub.CreateAccounts(pb.CreateAccountsRequest(accounts=accounts))
    assert [r.code for r in reply.results] == [pb.CREATE_ACCOUNT_RESULT_CODE_OK] * n
    return ids


def transfer(debit: str, credit: str, amount: int, **kw: object) -> pb.Transfer:
    return pb.Transfer(
        id=str(kw.pop("id", uuid.uuid4())),
        debit_account_id=debit,
        credit_account_id=credit,
        amount=amount,
        currency=str(kw.pop("currency", "CNY")),
        code=int(kw.pop("code", 1)),  # type: ignore[call-overload]
        **kw,  # type: ignore[arg-type]
    )


def check_invariants(database_url: str) -> dict[str, int]:
    """Debits equal credits per currency; balances equal the journal's replay; the chain holds;
    no limit is broken; history ends at the current balances. Returns the journal size."""
    engine = make_engine(database_url)
    with engine.connect() as conn:
        entries = journal(conn, limit=10_000_000)
    engine.dispose()
    assert verify_chain(entries) == []
    replay: dict[uuid.UUID, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    holds: dict[uuid.UUID, int] = {}
    for e in entries:
        t = e.transfer
        dr, cr = replay[t.debit_account_id], replay[t.credit_account_id]
        if t.flags & 2:  # pending
            dr[0] += t.amount
            cr[2] += t.amount
            holds[t.id] = t.amount
        elif t.flags & (4 | 8):  # post or void: release the hold, post what was posted
            assert t.pending_id is not None
            held = holds.pop(t.pending_id)
            dr[0] -= held
            cr[2] -= held
            if t.flags & 4:
                dr[1] += t.amount
                cr[3] += t.amount
        else:
            dr[1] += t.amount
            cr[3] += t.amount
    with psycopg.connect(libpq_url(database_url)) as conn:
        rows = conn.execute(
            "SELECT id, currency, flags, debits_pending, debits_posted, credits_pending,"
            " credits_posted, version FROM accounts"
        ).fetchall()
        sums = conn.execute(
            "SELECT currency, sum(credits_posted - debits_posted),"
            " sum(credits_pending - debits_pending) FROM accounts GROUP BY currency"
        ).fetchall()
        last: dict[uuid.UUID, int] = dict(
            conn.execute(
                "SELECT DISTINCT ON (account_id) account_id, version FROM account_balances"
                " ORDER BY account_id, version DESC"
            ).fetchall()
        )
    for _currency, posted, pending in sums:
        assert (posted, pending) == (0, 0)
    for account_id, _cur, flags, dp, dpo, cp, cpo, version in rows:
        assert [dp, dpo, cp, cpo] == replay.get(account_id, [0, 0, 0, 0]), account_id
        if flags & 2:
            assert dp + dpo <= cpo
        if flags & 4:
            assert cp + cpo <= dpo
        assert last.get(account_id, 0) == version
    return {"entries": len(entries), "accounts": len(rows)}
