from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exact-output assertions must not depend on the terminal the suite runs in."""
    monkeypatch.setenv("NO_COLOR", "1")
