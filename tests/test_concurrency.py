"""32 concurrent gRPC clients over a few hot accounts: nothing lost, nothing doubled."""

from __future__ import annotations

import random
import threading
import uuid

import psycopg

from fangxin.v1 import ledger_pb2 as pb
from ledger.pg.database import libpq_url
from tests.support import OK, check_invariants, ledger_stub, new_accounts, running_server, transfer

CLIENTS = 32
CALLS_PER_CLIENT = 25


def test_hot_accounts_under_32_clients(database_url: str) -> None:
    with running_server(database_url) as server, ledger_stub(server.port) as stub:
        source = new_accounts(stub, 1)[0]
        hot = new_accounts(stub, 3, limit=True)
        # Fund the limited accounts so that some debits pass and some exceed the credits.
        funding = [transfer(source, h, 2_000) for h in hot]
        assert [r.code for r in stub.CreateTransfers(pb.CreateTransfersRequest(
            transfers=funding)).results] == [OK] * 3  # fmt: skip
        acked: list[tuple[str, str, str, int]] = []
        lock = threading.Lock()
        errors: list[BaseException] = []

        def client(seed: int) -> None:
            rng = random.Random(seed)
            try:
                with ledger_stub(server.port) as own:
                    for _ in range(CALLS_PER_CLIENT):
                        dr, cr = rng.sample([source, *hot], 2)
                        t = transfer(dr, cr, rng.randint(1, 50))
                        reply = own.CreateTransfers(pb.CreateTransfersRequest(transfers=[t]))
                        code = reply.results[0].code
                        if code == OK:
                            with lock:
                                acked.append((t.id, dr, cr, t.amount))
                        else:
                            assert code == pb.CREATE_TRANSFER_RESULT_CODE_EXCEEDS_CREDITS
            except BaseException as exc:  # surfaced in the main thread
                errors.append(exc)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert errors == []
    stats = check_invariants(database_url)
    assert stats["entries"] == 3 + len(acked)
    expected: dict[str, int] = {a: 0 for a in [source, *hot]}
    expected[source] -= 6_000
    for h in hot:
        expected[h] += 2_000
    for _id, dr, cr, amount in acked:
        expected[dr] -= amount
        expected[cr] += amount
    with psycopg.connect(libpq_url(database_url)) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM transfers")]
        assert len(ids) == len(set(ids))
        assert {str(i) for i in ids} >= {a[0] for a in acked}
        for account_id, balance in expected.items():
            got = conn.execute(
                "SELECT credits_posted - debits_posted FROM accounts WHERE id = %s",
                (uuid.UUID(account_id),),
            ).fetchone()
            assert got == (balance,)
