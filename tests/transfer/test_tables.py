"""The export's table list keeps up with the models: a new table must be exported or named as
deliberately left out, and every reference must point at a table exported before it."""

from __future__ import annotations

from app.models import Base
from app.transfer.tables import NOT_EXPORTED, OWNED


def test_every_table_is_exported_or_excluded_on_purpose() -> None:
    exported = [t.name for t in OWNED]
    assert len(exported) == len(set(exported))
    missing = set(Base.metadata.tables) - set(exported) - set(NOT_EXPORTED)
    assert not missing, f"add these to app/transfer/tables.py OWNED (or NOT_EXPORTED): {sorted(missing)}"


def test_tables_come_after_what_they_reference() -> None:
    seen: set[str] = set()
    for spec in OWNED:
        for column, target in spec.references().items():
            assert target in seen, f"{spec.name}.{column} → {target}, which is not exported before it"
        if spec.polymorphic:
            assert {t for t in spec.polymorphic[2].values() if t} <= seen
        assert "owner_id" in spec.table.c or spec.owner_via, spec.name
        seen.add(spec.name)


def test_credentials_are_not_exported() -> None:
    assert {"api_keys", "calendar_feeds", "agent_tickets", "users"} <= set(NOT_EXPORTED)
    assert not {"api_keys", "calendar_feeds", "agent_tickets"} & {t.name for t in OWNED}
