"""Double-entry core: accounts, append-only journal, balance history, holds, chain head.

Revision ID: 0001_core
Revises:
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001_core"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UUID = postgresql.UUID(as_uuid=True)
_JOURNAL = ("transfers", "account_balances")


def _balances() -> list[sa.Column[int]]:
    return [
        sa.Column(name, sa.BigInteger, nullable=False)
        for name in ("debits_pending", "debits_posted", "credits_pending", "credits_posted")
    ]


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", _UUID, primary_key=True),
        sa.Column("ledger", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("code", sa.Integer, nullable=False),
        sa.Column("flags", sa.Integer, nullable=False),
        sa.Column("metadata", postgresql.JSONB, nullable=False),
        *_balances(),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("timestamp", sa.BigInteger, nullable=False),
        sa.CheckConstraint("ledger > 0", name="accounts_ledger_positive"),
        sa.CheckConstraint("code > 0", name="accounts_code_positive"),
        sa.CheckConstraint(
            "debits_pending >= 0 AND debits_posted >= 0 AND credits_pending >= 0"
            " AND credits_posted >= 0",
            name="accounts_balances_non_negative",
        ),
        sa.CheckConstraint("flags & 6 <> 6", name="accounts_limit_flags_exclusive"),
        sa.CheckConstraint(
            "flags & 2 = 0 OR debits_pending + debits_posted <= credits_posted",
            name="accounts_debits_must_not_exceed_credits",
        ),
        sa.CheckConstraint(
            "flags & 4 = 0 OR credits_pending + credits_posted <= debits_posted",
            name="accounts_credits_must_not_exceed_debits",
        ),
    )
    op.create_table(
        "transfers",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("id", _UUID, nullable=False, unique=True),
        sa.Column("ledger", sa.Integer, nullable=False),
        sa.Column("debit_account_id", _UUID, nullable=False),
        sa.Column("credit_account_id", _UUID, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("code", sa.Integer, nullable=False),
        sa.Column("flags", sa.Integer, nullable=False),
        sa.Column("pending_id", _UUID, nullable=True),
        sa.Column("timeout_s", sa.Integer, nullable=False),
        sa.Column("metadata", postgresql.JSONB, nullable=False),
        sa.Column("timestamp", sa.BigInteger, nullable=False, unique=True),
        sa.Column("encoding_version", sa.SmallInteger, nullable=False),
        sa.Column("prev_hash", sa.LargeBinary, nullable=False),
        sa.Column("hash", sa.LargeBinary, nullable=False),
        sa.CheckConstraint("amount > 0", name="transfers_amount_positive"),
        sa.CheckConstraint(
            "debit_account_id <> credit_account_id", name="transfers_accounts_differ"
        ),
        sa.CheckConstraint(
            "octet_length(hash) = 32 AND octet_length(prev_hash) = 32",
            name="transfers_hash_sha256",
        ),
    )
    op.create_table(
        "account_balances",
        sa.Column("account_id", _UUID, primary_key=True),
        sa.Column("timestamp", sa.BigInteger, primary_key=True),
        sa.Column("ledger", sa.Integer, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("transfer_id", _UUID, nullable=False),
        *_balances(),
        sa.UniqueConstraint("account_id", "version", name="account_balances_account_version"),
    )
    op.create_table(
        "pending_transfers",
        sa.Column("transfer_id", _UUID, primary_key=True),
        sa.Column("ledger", sa.Integer, nullable=False),
        sa.Column("status", sa.SmallInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.CheckConstraint("status BETWEEN 1 AND 4", name="pending_transfers_status_known"),
    )
    # The expiry sweep reads only live holds with a timeout.
    op.create_index(
        "pending_transfers_due",
        "pending_transfers",
        ["expires_at"],
        postgresql_where=sa.text("status = 1 AND expires_at > 0"),
    )
    op.create_table(
        "ledger_head",
        sa.Column("id", sa.SmallInteger, primary_key=True),
        sa.Column("last_timestamp", sa.BigInteger, nullable=False),
        sa.Column("head_seq", sa.BigInteger, nullable=False),
        sa.Column("head_hash", sa.LargeBinary, nullable=False),
        sa.CheckConstraint("id = 1", name="ledger_head_single_row"),
    )
    op.execute("INSERT INTO ledger_head VALUES (1, 0, 0, decode(repeat('00', 32), 'hex'))")
    # The journal is evidence: no UPDATE, DELETE or TRUNCATE, whoever asks. Corrections are
    # new reversing transfers.
    op.execute(
        """
        CREATE FUNCTION fangxin_refuse_journal_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'fangxin: % on % is refused: the journal is append-only',
                TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END $$;
        """
    )
    for table in _JOURNAL:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION fangxin_refuse_journal_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION fangxin_refuse_journal_change()"
        )


def downgrade() -> None:
    for table in ("ledger_head", "pending_transfers", "account_balances", "transfers", "accounts"):
        op.drop_table(table)
    op.execute("DROP FUNCTION fangxin_refuse_journal_change()")
