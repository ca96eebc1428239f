"""Temporary: tests/e2e/test_lifecycle.py still imports extraction_keys from here.

Delete this module once that import reads `from workflow_app.extraction_keys import
extraction_keys` (the routes moved to api/routes/lifecycle.py).
"""

from workflow_app.extraction_keys import extraction_keys

__all__ = ["extraction_keys"]
