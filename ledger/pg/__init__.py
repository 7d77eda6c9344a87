"""PostgreSQL adapter for the ledger core (SQLAlchemy 2 + psycopg 3). The only I/O in ledger/."""
