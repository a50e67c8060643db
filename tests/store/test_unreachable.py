"""A database server that cannot be reached is said to be unreachable (503 on a page), never "damaged"."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.config import resolve_settings
from learnloop.errors import StoreUnavailable
from learnloop.store.db import open_store


def test_a_server_that_refuses_connections_is_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("psycopg")
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    monkeypatch.setenv("LEARNLOOP_DATABASE_URL", "postgresql+psycopg://learnloop:x@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(StoreUnavailable) as refused:
        open_store(resolve_settings(tmp_path / "home"))
    assert refused.value.http_status == 503
    assert str(refused.value).startswith("cannot reach the database server:")
    assert "damaged" not in str(refused.value)
