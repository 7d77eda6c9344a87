"""Prepaid-card custody: versioned policies, domain records and decisions (all append-only).

Revision ID: 0002_custody
Revises: 0001_core
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002_custody"
down_revision: str | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("custody_policies", "custody_records", "custody_decisions")


def upgrade() -> None:
    op.create_table(
        "custody_policies",
        sa.Column("version", sa.Text, primary_key=True),
        sa.Column("ledger", sa.Integer, nullable=False),
        sa.Column("jurisdiction", sa.Text, nullable=False),
        sa.Column("industry", sa.Text, nullable=True),
        sa.Column("credit_grade", sa.Text, nullable=True),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("effective_to", sa.Date, nullable=True),
        sa.Column("body", postgresql.JSONB, nullable=False),
    )
    op.create_table(
        "custody_records",
        sa.Column("seq", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("ledger", sa.Integer, nullable=False),
        sa.Column("merchant_id", sa.Text, nullable=False),
        sa.Column("record_type", sa.Text, nullable=False),
        sa.Column("record_id", sa.Text, nullable=False),
        sa.Column("command_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("body", postgresql.JSONB, nullable=False),
        sa.Column("recorded_at", sa.BigInteger, nullable=False),
    )
    op.create_index("custody_records_merchant", "custody_records", ["merchant_id", "seq"])
    op.create_table(
        "custody_decisions",
        sa.Column("seq", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("ledger", sa.Integer, nullable=False),
        sa.Column("command_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("merchant_id", sa.Text, nullable=False),
        sa.Column("command_type", sa.Text, nullable=False),
        sa.Column("command_hash", sa.LargeBinary, nullable=False),
        sa.Column("command_body", postgresql.JSONB, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("accepted", sa.Boolean, nullable=False),
        sa.Column("refusals", postgresql.JSONB, nullable=False),
        sa.Column("policy_version", sa.Text, nullable=False),
        sa.Column("transfer_ids", postgresql.ARRAY(postgresql.UUID(as_uuid=True)), nullable=False),
        sa.Column("decided_at", sa.BigInteger, nullable=False),
    )
    # An accepted command is the idempotency anchor; refusals are kept for audit and a retry
    # is decided again on the state it then meets.
    op.create_index(
        "custody_decisions_accepted",
        "custody_decisions",
        ["command_id"],
        unique=True,
        postgresql_where=sa.text("accepted"),
    )
    op.create_index("custody_decisions_merchant", "custody_decisions", ["merchant_id", "seq"])
    for table in _TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION fangxin_refuse_journal_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION fangxin_refuse_journal_change()"
        )


def downgrade() -> None:
    for table in reversed(_TABLES):
        op.drop_table(table)
