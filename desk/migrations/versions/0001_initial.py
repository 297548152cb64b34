"""The first schema: requests, events, outbox, votes, deflections, counters.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("reference", sa.String(9), nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("parent_id", sa.String(64), sa.ForeignKey("requests.id"), nullable=True),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("policy_version", sa.String(50), nullable=False),
        sa.Column("priority", sa.String(10), nullable=False),
        sa.Column("priority_label", sa.String(200), nullable=False),
        sa.Column("response_hours", sa.Float, nullable=True),
        sa.Column("respond_by", TZ, nullable=True),
        sa.Column("respond_by_text", sa.String(40), nullable=True),
        sa.Column("route", sa.String(100), nullable=False),
        sa.Column("eligibility", sa.String(30), nullable=False),
        sa.Column("summary", sa.String(200), nullable=False),
        sa.Column("requester_email", sa.String(254), nullable=False),
        sa.Column("classification", sa.Text, nullable=False),
        sa.Column("differences", sa.Text, nullable=False),
        sa.Column("verified", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("response", sa.Text, nullable=False),
        sa.UniqueConstraint("reference", name="uq_requests_reference"),
    )
    op.create_index("ix_requests_queue", "requests", ["state", "respond_by"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(64), sa.ForeignKey("requests.id"), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_events_request", "events", ["request_id", "id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(64), sa.ForeignKey("requests.id"), nullable=False),
        sa.Column("target", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("locked_until", TZ, nullable=True),
        sa.Column("remote_id", sa.String(100), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("request_id", "target", name="uq_outbox_request_target"),
    )
    op.create_index("ix_outbox_due", "outbox", ["state", "next_attempt_at"])
    op.create_table(
        "votes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(200), nullable=False),
        sa.Column("helpful", sa.Boolean, nullable=False),
        sa.Column("ts", sa.String(40), nullable=False),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("article_known", sa.Boolean, nullable=True),
    )
    op.create_index("ix_votes_article", "votes", ["article_id"])
    op.create_table(
        "deflections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(200), nullable=False),
        sa.Column("ts", sa.String(40), nullable=False),
        sa.Column("query", sa.String(200), nullable=True),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("article_known", sa.Boolean, nullable=True),
    )
    op.create_index("ix_deflections_article", "deflections", ["article_id"])
    op.create_table(
        "counters",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("counters", "deflections", "votes", "outbox", "events", "requests"):
        op.drop_table(table)
