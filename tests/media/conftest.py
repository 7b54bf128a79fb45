"""The media engine's asyncio tests run on uvloop, the loop production uses (issue 10)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

import pytest
import uvloop


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    """pytest-asyncio builds each test's loop with this: uvloop, as in production."""
    return {"uvloop": uvloop.new_event_loop}
