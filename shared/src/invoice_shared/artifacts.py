"""Content-addressed artifact storage on a directory shared by the services.

Keys are relative POSIX paths derived from content hashes, so writing the same
input twice produces the same key and the same bytes: activities can be retried
or replayed without creating duplicates. Writes go to a temporary file and are
renamed into place, so a crash never leaves a half-written artifact under a key.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path, PurePosixPath


class ArtifactKeyError(ValueError):
    """A key that would resolve outside the artifact root."""


# The keys below, as the contracts state them (JSON Schema patterns): a caller can only
# name artifacts the services wrote, never a path of its own making.
_SHA = "[0-9a-f]{2}/[0-9a-f]{64}"
BLOB_KEY_PATTERN = rf"^blobs/{_SHA}\.pdf$"
PAGE_KEY_PATTERN = rf"^pages/{_SHA}/page-[0-9]{{5,6}}\.pdf$"
EINVOICE_KEY_PATTERN = rf"^einvoices/{_SHA}\.xml$"


def blob_key(sha256: str) -> str:
    """Key of an uploaded PDF."""
    return f"blobs/{sha256[:2]}/{sha256}.pdf"


def page_key(source_sha256: str, page_number: int) -> str:
    """Key of one single-page PDF split from the PDF with hash `source_sha256`."""
    return f"pages/{source_sha256[:2]}/{source_sha256}/page-{page_number:05d}.pdf"


def einvoice_key(source_sha256: str) -> str:
    """Key of the e-invoice XML (Factur-X, ZUGFeRD, XRechnung) embedded in that PDF."""
    return f"einvoices/{source_sha256[:2]}/{source_sha256}.xml"


def has_pdf_header(data: bytes) -> bool:
    """The PDF header may sit anywhere in the first 1024 bytes (ISO 32000-1, 7.5.2)."""
    return b"%PDF-" in data[:1024]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ArtifactStore:
    """Reads and writes artifacts by key below one root directory."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path(self, key: str) -> Path:
        parts = PurePosixPath(key).parts
        if not parts or PurePosixPath(key).is_absolute() or ".." in parts:
            raise ArtifactKeyError(f"invalid artifact key {key!r}")
        path = (self.root / Path(*parts)).resolve()
        if not path.is_relative_to(self.root):
            raise ArtifactKeyError(f"artifact key {key!r} leaves the artifact directory")
        return path

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def read_bytes(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store `data` under `key` atomically; a no-op if identical bytes are there."""
        target = self.path(key)
        if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
