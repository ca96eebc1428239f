"""Markers by folder: everything under tests/e2e runs against the real stack.

Apps refuse to start without their secrets; unit tests that build them in process
get throwaway ones (the e2e stack generates its own per run).
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("APP_API_TOKEN", "unit-test-app-token-0123456789")
os.environ.setdefault("INVOICE_API_KEY", "unit-test-api-key-0123456789")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e" in Path(str(item.fspath)).parts:
            item.add_marker(pytest.mark.e2e)
