"""procedure names as long as the national database publishes them

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The national records name procedures in up to 1,200 characters; the time text now carries
# the reason a procedure has no appointment.
CHANGES = [
    ("procedure", "name", sqlmodel.sql.sqltypes.AutoString(length=500), sa.Text()),
    ("procedure", "search_text", sqlmodel.sql.sqltypes.AutoString(length=600), sa.Text()),
    ("dossier", "procedure_name", sqlmodel.sql.sqltypes.AutoString(length=500), sa.Text()),
    (
        "dossier",
        "time_text",
        sqlmodel.sql.sqltypes.AutoString(length=100),
        sqlmodel.sql.sqltypes.AutoString(length=400),
    ),
]


def upgrade() -> None:
    for table, column, old, new in CHANGES:
        _retype(table, column, old, new)


def downgrade() -> None:
    for table, column, old, new in CHANGES:
        _retype(table, column, new, old)


def _retype(table: str, column: str, old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(table, column, existing_type=old, type_=new, existing_nullable=False)
        return
    # A batch copy would drop `procedure`, which dossiers point at, and foreign keys refuse
    # it; SQLite renames, adds and drops a plain column in place.
    kept = f"{column}_before_0007"
    op.execute(f'ALTER TABLE "{table}" RENAME COLUMN "{column}" TO "{kept}"')
    op.add_column(table, sa.Column(column, new, nullable=False, server_default=""))
    op.execute(f'UPDATE "{table}" SET "{column}" = "{kept}"')
    op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{kept}"')
