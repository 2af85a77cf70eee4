"""trust: the WeChat replay store, outbox priority, alert coalescing and staff channel fallback (issue 11)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "request_nonces",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("body_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_request_nonces_seen_at", "request_nonces", ["seen_at"])
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="2"))
        batch.add_column(sa.Column("coalesce_key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))
        batch.add_column(sa.Column("tried", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=""))
    op.create_index("ix_outbox_priority", "outbox", ["priority"])
    op.create_index("ix_outbox_coalesce_key", "outbox", ["coalesce_key"])


def downgrade() -> None:
    op.drop_index("ix_outbox_coalesce_key", table_name="outbox")
    op.drop_index("ix_outbox_priority", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("tried")
        batch.drop_column("coalesce_key")
        batch.drop_column("priority")
    op.drop_index("ix_request_nonces_seen_at", table_name="request_nonces")
    op.drop_table("request_nonces")
