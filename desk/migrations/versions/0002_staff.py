"""Staff screens (issue 11): accounts, sessions, sign-in throttle, read tokens; a request's
product, version and first response (acknowledged) as columns, filled from stored payloads.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("name", name="uq_staff_users_name"),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("staff_users.id"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
    )
    op.create_table(
        "sign_in_failures",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_at", TZ, nullable=False),
    )
    op.create_table(
        "read_tokens",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("product", sa.String(100), nullable=True))
        batch.add_column(sa.Column("product_version", sa.String(50), nullable=True))
        batch.add_column(sa.Column("acknowledged_at", TZ, nullable=True))
        batch.add_column(sa.Column("acknowledged_by", sa.String(100), nullable=True))
        batch.add_column(sa.Column("met", sa.Boolean, nullable=True))
    # Requests stored before this revision: product and version from their payloads.
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, body FROM requests")).all()
    for rid, body in rows:
        product = json.loads(body).get("product") or {}
        conn.execute(
            sa.text("UPDATE requests SET product = :p, product_version = :v WHERE id = :i"),
            {"p": product.get("id"), "v": product.get("version"), "i": rid},
        )


def downgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        for column in ("met", "acknowledged_by", "acknowledged_at", "product_version", "product"):
            batch.drop_column(column)
    for table in ("read_tokens", "sign_in_failures", "staff_sessions", "staff_users"):
        op.drop_table(table)
