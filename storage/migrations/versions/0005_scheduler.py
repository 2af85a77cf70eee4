"""scheduler: routine reminder occurrences and acknowledgements, the scheduler's job records (issue 6)

Working-day overrides are a staff-editable file (config.toml [scheduler] workday_overrides), not a table.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "routine_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("routine", sa.String(length=32), nullable=False),
        sa.Column("meeting_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("repeat_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("repeated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("routine", "meeting_at", "staff_id", name="uq_routine_reminders_occurrence"),
    )
    op.create_index("ix_routine_reminders_staff_id", "routine_reminders", ["staff_id"])
    op.create_table(
        "scheduler_jobs",
        sa.Column("job_id", sa.String(length=64), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("last_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_result", sa.String(length=200), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("runner", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("job_id"),
    )


def downgrade() -> None:
    op.drop_table("scheduler_jobs")
    op.drop_index("ix_routine_reminders_staff_id", table_name="routine_reminders")
    op.drop_table("routine_reminders")
