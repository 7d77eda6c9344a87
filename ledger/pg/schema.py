"""Table definitions, mirrored exactly by the Alembic revisions in migrations/.

Every table carries `ledger`, the partition key, so the schema can later be distributed by it.
The journal (`transfers`, `account_balances`) is append-only, enforced by triggers.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

metadata = MetaData()

accounts = Table(
    "accounts",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("ledger", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("code", Integer, nullable=False),
    Column("flags", Integer, nullable=False),
    Column("metadata", JSONB, nullable=False),
    Column("debits_pending", BigInteger, nullable=False),
    Column("debits_posted", BigInteger, nullable=False),
    Column("credits_pending", BigInteger, nullable=False),
    Column("credits_posted", BigInteger, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    CheckConstraint("ledger > 0", name="accounts_ledger_positive"),
    CheckConstraint("code > 0", name="accounts_code_positive"),
    CheckConstraint(
        "debits_pending >= 0 AND debits_posted >= 0 AND credits_pending >= 0"
        " AND credits_posted >= 0",
        name="accounts_balances_non_negative",
    ),
    CheckConstraint("flags & 6 <> 6", name="accounts_limit_flags_exclusive"),
    CheckConstraint(
        "flags & 2 = 0 OR debits_pending + debits_posted <= credits_posted",
        name="accounts_debits_must_not_exceed_credits",
    ),
    CheckConstraint(
        "flags & 4 = 0 OR credits_pending + credits_posted <= debits_posted",
        name="accounts_credits_must_not_exceed_debits",
    ),
)

transfers = Table(
    "transfers",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("ledger", Integer, nullable=False),
    Column("debit_account_id", UUID(as_uuid=True), nullable=False),
    Column("credit_account_id", UUID(as_uuid=True), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("code", Integer, nullable=False),
    Column("flags", Integer, nullable=False),
    Column("pending_id", UUID(as_uuid=True), nullable=True),
    Column("timeout_s", Integer, nullable=False),
    Column("metadata", JSONB, nullable=False),
    Column("timestamp", BigInteger, nullable=False, unique=True),
    Column("encoding_version", SmallInteger, nullable=False),
    Column("prev_hash", LargeBinary, nullable=False),
    Column("hash", LargeBinary, nullable=False),
    CheckConstraint("amount > 0", name="transfers_amount_positive"),
    CheckConstraint("debit_account_id <> credit_account_id", name="transfers_accounts_differ"),
    CheckConstraint(
        "octet_length(hash) = 32 AND octet_length(prev_hash) = 32", name="transfers_hash_sha256"
    ),
)

account_balances = Table(
    "account_balances",
    metadata,
    Column("account_id", UUID(as_uuid=True), primary_key=True),
    Column("timestamp", BigInteger, primary_key=True),
    Column("ledger", Integer, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("transfer_id", UUID(as_uuid=True), nullable=False),
    Column("debits_pending", BigInteger, nullable=False),
    Column("debits_posted", BigInteger, nullable=False),
    Column("credits_pending", BigInteger, nullable=False),
    Column("credits_posted", BigInteger, nullable=False),
    UniqueConstraint("account_id", "version", name="account_balances_account_version"),
)

pending_transfers = Table(
    "pending_transfers",
    metadata,
    Column("transfer_id", UUID(as_uuid=True), primary_key=True),
    Column("ledger", Integer, nullable=False),
    Column("status", SmallInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("amount", BigInteger, nullable=False),
    CheckConstraint("status BETWEEN 1 AND 4", name="pending_transfers_status_known"),
)
Index(
    "pending_transfers_due",
    pending_transfers.c.expires_at,
    postgresql_where=text("status = 1 AND expires_at > 0"),
)

# One row: the writer's checkpoint (clock and chain head), locked by every write batch.
ledger_head = Table(
    "ledger_head",
    metadata,
    Column("id", SmallInteger, primary_key=True),
    Column("last_timestamp", BigInteger, nullable=False),
    Column("head_seq", BigInteger, nullable=False),
    Column("head_hash", LargeBinary, nullable=False),
    CheckConstraint("id = 1", name="ledger_head_single_row"),
)

custody_policies = Table(
    "custody_policies",
    metadata,
    Column("version", Text, primary_key=True),
    Column("ledger", Integer, nullable=False),
    Column("jurisdiction", Text, nullable=False),
    Column("industry", Text, nullable=True),
    Column("credit_grade", Text, nullable=True),
    Column("effective_from", Date, nullable=False),
    Column("effective_to", Date, nullable=True),
    Column("body", JSONB, nullable=False),
)

custody_records = Table(
    "custody_records",
    metadata,
    Column("seq", BigInteger, Identity(always=True), primary_key=True),
    Column("ledger", Integer, nullable=False),
    Column("merchant_id", Text, nullable=False),
    Column("record_type", Text, nullable=False),
    Column("record_id", Text, nullable=False),
    Column("command_id", UUID(as_uuid=True), nullable=False),
    Column("body", JSONB, nullable=False),
    Column("recorded_at", BigInteger, nullable=False),
)
Index("custody_records_merchant", custody_records.c.merchant_id, custody_records.c.seq)
Index("custody_records_command", custody_records.c.command_id)
Index(
    "custody_records_type",
    custody_records.c.record_type,
    custody_records.c.record_id,
    custody_records.c.seq,
)

custody_decisions = Table(
    "custody_decisions",
    metadata,
    Column("seq", BigInteger, Identity(always=True), primary_key=True),
    Column("ledger", Integer, nullable=False),
    Column("command_id", UUID(as_uuid=True), nullable=False),
    Column("merchant_id", Text, nullable=False),
    Column("command_type", Text, nullable=False),
    Column("command_hash", LargeBinary, nullable=False),
    Column("command_body", JSONB, nullable=False),
    Column("actor", Text, nullable=False),
    Column("accepted", Boolean, nullable=False),
    Column("refusals", JSONB, nullable=False),
    Column("policy_version", Text, nullable=False),
    Column("transfer_ids", ARRAY(UUID(as_uuid=True)), nullable=False),
    Column("decided_at", BigInteger, nullable=False),
)
Index(
    "custody_decisions_accepted",
    custody_decisions.c.command_id,
    unique=True,
    postgresql_where=text("accepted"),
)
Index("custody_decisions_merchant", custody_decisions.c.merchant_id, custody_decisions.c.seq)
