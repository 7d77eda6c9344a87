"""The single writer alone, without gRPC: how many transfers/s it applies and commits.

Run by hand: `.venv/bin/python -m bench.writer_bench [--batches 6] [--database-url URL]`.
Creates and drops its own database on the server.
"""

from __future__ import annotations

import argparse
import random
import time
import uuid

from ledger.model import Account, Transfer
from ledger.pg import migrate
from ledger.pg.database import create_database, drop_database
from ledger.pg.writer import Writer

BATCH = 8190


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--batches", type=int, default=6)
    parser.add_argument("--accounts", type=int, default=10_000)
    args = parser.parse_args()
    name = f"fangxin_wbench_{uuid.uuid4().hex[:8]}"
    url = create_database(args.database_url, name)
    try:
        migrate.upgrade(url)
        writer = Writer(url)
        assert writer.start()
        ids = [uuid.uuid4() for _ in range(args.accounts)]
        for i in range(0, len(ids), BATCH):
            writer.submit_accounts([Account(a, 1, "CNY", 1) for a in ids[i : i + BATCH]])
        rng = random.Random(1)

        def transfer() -> Transfer:
            debit, credit = rng.sample(ids, 2)
            return Transfer(uuid.uuid4(), debit, credit, rng.randint(1, 1000), "CNY", 1)

        batches = [[transfer() for _ in range(BATCH)] for _ in range(args.batches)]
        start = time.perf_counter()
        for batch in batches:
            assert all(code == 0 for code, _ in writer.submit_transfers(batch))
        elapsed = time.perf_counter() - start
        writer.stop()
        rate = args.batches * BATCH / elapsed
        print(f"{rate:,.0f} transfers/s (writer alone, batches of {BATCH})")
    finally:
        drop_database(args.database_url, name)


if __name__ == "__main__":
    main()
