from __future__ import annotations

import pytest
from schemathesis.pytest.plugin import SchemathesisFunction


@pytest.hookimpl(tryfirst=True)
def pytest_itemcollected(item: pytest.Item) -> None:
    """Give each Schemathesis operation its own node id, e.g. ``test_operation[GET /health]``.

    pytest 9.2 builds a Function's id from ``originalname`` plus a parametrize callspec;
    Schemathesis puts the operation only into ``name``, so all of its items shared the id
    ``test_operation``. pytest counts finished tests by id, so the progress stopped at 62%,
    and ``--lf``, ``-k`` on ids and reports could not tell the operations apart.
    """
    if not isinstance(item, SchemathesisFunction) or item.name == item.originalname:
        return
    if item.nodeid.endswith(f"::{item.originalname}") and item.name.startswith(f"{item.originalname}["):
        params = item.name[len(item.originalname) + 1 : -1]
        item._id = item.parent.id.child(item.originalname).with_params(params)  # type: ignore[union-attr]
