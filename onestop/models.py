"""Every table of every domain, imported in one place for Alembic and the tests."""

from __future__ import annotations


def import_all() -> None:
    """Import the model modules so that their tables join SQLModel.metadata."""
    from onestop.accounts import models as _accounts  # noqa: F401
    from onestop.catalogue import models as _catalogue  # noqa: F401
    from onestop.deadlines import models as _deadlines  # noqa: F401
    from onestop.dossiers import models as _dossiers  # noqa: F401
    from onestop.lookup import models as _lookup  # noqa: F401
    from onestop.routing import models as _routing  # noqa: F401
