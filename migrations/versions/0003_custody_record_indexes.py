"""Indexes for custody record lookups by command (replays) and by type (instructions, alerts).

Revision ID: 0003_custody_record_indexes
Revises: 0002_custody
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_custody_record_indexes"
down_revision: str | None = "0002_custody"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("custody_records_command", "custody_records", ["command_id"])
    op.create_index("custody_records_type", "custody_records", ["record_type", "record_id", "seq"])


def downgrade() -> None:
    op.drop_index("custody_records_type", table_name="custody_records")
    op.drop_index("custody_records_command", table_name="custody_records")
