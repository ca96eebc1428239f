"""Shared test vectors: request/expected-response pairs any implementation of a service
must answer alike, whatever its language (`contracts/vectors/<app id>/*.json`).

A vector file:
    {"description": "...",
     "artifacts": {"<artifact key>": "<fixture file>"},   seeded into ARTIFACT_DIR first
     "sources": {"<relative path>": "<fixture file>"},   seeded into SOURCE_BASE_DIR first
     "request": {"method": "POST", "path": "/aggregate",
                 "token": "valid" | "missing" | "wrong",  (dapr-api-token; default valid)
                 "content_type": "application/json",      (default for a body)
                 "json": {...}  or  "text": "raw body"},
     "response": {"status": 200, "json": {...}}            a body equal to this, numbers
              or {"status": 422, "error": "invalid_request", "mentions": ["pages.0.total"]}}
                                                          the error shape, its kind, and
                                                          words its message must contain
Fixture files live in `contracts/vectors/fixtures/`. Numbers compare by value (12.5
equals 12.50); objects compare key by key, so a missing null field is a difference.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

VECTORS_DIR = Path("contracts") / "vectors"
FIXTURES = "fixtures"
TOKEN_HEADER = "dapr-api-token"
WRONG_TOKEN = "not-the-token-of-this-service"


@dataclass(frozen=True)
class Vector:
    service: str  # the app id whose contract it tests
    name: str  # the file's stem
    description: str
    request: dict[str, Any]
    response: dict[str, Any]
    artifacts: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.service}/{self.name}"

    def document(self) -> dict[str, Any]:
        """The vector as its file holds it."""
        doc: dict[str, Any] = {"description": self.description}
        if self.artifacts:
            doc["artifacts"] = self.artifacts
        if self.sources:
            doc["sources"] = self.sources
        return doc | {"request": self.request, "response": self.response}


def load_vectors(root: Path, service: str | None = None) -> list[Vector]:
    """Every vector under `root` (contracts/vectors), or `service`'s only, by name."""
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name != FIXTURES):
        if service is not None and folder.name != service:
            continue
        for path in sorted(folder.glob("*.json")):
            doc = json.loads(path.read_text())
            found.append(
                Vector(
                    service=folder.name,
                    name=path.stem,
                    description=doc["description"],
                    request=doc["request"],
                    response=doc["response"],
                    artifacts=doc.get("artifacts", {}),
                    sources=doc.get("sources", {}),
                )
            )
    return found


def write_vector(root: Path, vector: Vector) -> None:
    folder = root / vector.service
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(vector.document(), indent=2, ensure_ascii=False, default=str)
    (folder / f"{vector.name}.json").write_text(text + "\n")


def seed(vector: Vector, root: Path, artifact_dir: Path, source_dir: Path) -> None:
    """Put the vector's fixtures where the service reads them."""
    for target, places in ((artifact_dir, vector.artifacts), (source_dir, vector.sources)):
        for relative, fixture in places.items():
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / FIXTURES / fixture, destination)


def send(vector: Vector, base_url: str, token: str) -> httpx.Response:
    """The vector's request, as its service's sidecar would forward it."""
    request = vector.request
    headers = {}
    given = request.get("token", "valid")
    if given != "missing":
        headers[TOKEN_HEADER] = token if given == "valid" else WRONG_TOKEN
    content: bytes | None = None
    if "json" in request:
        content = json.dumps(request["json"]).encode()
    elif "text" in request:
        content = request["text"].encode()
    if content is not None:
        headers["content-type"] = request.get("content_type", "application/json")
    return httpx.request(
        request["method"], base_url + request["path"], content=content, headers=headers, timeout=60
    )


def problems(vector: Vector, status: int, body: bytes) -> list[str]:
    """How an answer differs from the vector's expected response; [] when it agrees."""
    expected = vector.response
    found = []
    if status != expected["status"]:
        found.append(f"status {status}, expected {expected['status']}")
    try:
        answer = json.loads(body, parse_float=Decimal)
    except ValueError:
        return [*found, f"the body is not JSON: {body[:200]!r}"]
    if "json" in expected:
        want = json.loads(json.dumps(expected["json"]), parse_float=Decimal)
        found += [f"{where}: {what}" for where, what in _differences(want, answer, "body")]
    if "error" in expected:
        if not isinstance(answer, dict) or set(answer) != {"error", "message"}:
            return [*found, f"not the error shape {{error, message}}: {answer!r}"]
        if answer["error"] != expected["error"]:
            found.append(f"error {answer['error']!r}, expected {expected['error']!r}")
        message = str(answer["message"])
        found += [
            f"the message does not mention {word!r}: {message!r}"
            for word in expected.get("mentions", [])
            if word not in message
        ]
    return found


def _differences(want: Any, got: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(want, Mapping) and isinstance(got, Mapping):
        for key in sorted(set(want) | set(got)):
            if key not in got:
                yield f"{where}.{key}", "missing"
            elif key not in want:
                yield f"{where}.{key}", f"not expected ({got[key]!r})"
            else:
                yield from _differences(want[key], got[key], f"{where}.{key}")
    elif isinstance(want, list) and isinstance(got, list):
        if len(want) != len(got):
            yield where, f"{len(got)} items, expected {len(want)}"
        for n, (w, g) in enumerate(zip(want, got, strict=False)):
            yield from _differences(w, g, f"{where}.{n}")
    elif _number(want) and _number(got):
        if Decimal(want) != Decimal(got):
            yield where, f"{got}, expected {want}"
    elif want != got or type(want) is not type(got):
        yield where, f"{got!r}, expected {want!r}"


def _number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)
