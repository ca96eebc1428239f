"""Writing the Bruno collection from the `.http` file (the `.http` file is the source;
tests check the committed collection is what this writes)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from invoice_stack.collections.http_file import parse_http
from invoice_stack.collections.model import CHAIN, CollectedRequest


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:50]


def _bruno_chain(text: str) -> str:
    return CHAIN.sub(lambda m: "{{" + f"{m[1]}_{m[2].replace('.', '_')}" + "}}", text)


def _multipart_fields(
    request: CollectedRequest, source_dir: Path, bruno_dir: Path
) -> dict[str, Any]:
    boundary = request.headers["Content-Type"].split("boundary=", 1)[1]
    fields = {}
    for part in (request.body or "").split(f"--{boundary}")[1:]:
        head, _, value = part.strip("\n").partition("\n\n")
        if not head or head.startswith("--"):
            continue
        name = re.search(r'name="([^"]+)"', head)
        assert name is not None, head
        value = value.strip("\n")
        if value.startswith("< "):
            # Bruno resolves @file paths against the collection's folder.
            target = (source_dir / value[2:].strip()).resolve()
            value = f"@file({os.path.relpath(target, bruno_dir.resolve())})"
        fields[name[1]] = value
    return fields


def _bruno_value(value: str) -> str:
    """REST Client's `{{$dotenv NAME}}` is Bruno's `{{process.env.NAME}}` (both read a
    .env file beside the collection)."""
    return re.sub(r"\{\{\$dotenv (\w+)\}\}", r"{{process.env.\1}}", value)


def render_bruno(http_text: str, http_dir: Path, out: Path) -> dict[str, str]:
    """The Bruno collection of a `.http` file's text, {path relative to `out`: text}.

    `http_dir` and `out` only place the `@file(...)` paths: Bruno resolves them against
    the collection's folder, REST Client against the `.http` file's.
    """
    variables, requests = parse_http(http_text)
    env = "\n".join(f"  {k}: {_bruno_value(v)}" for k, v in variables.items())
    files = {
        "bruno.json": json.dumps(
            {"version": "1", "name": "invoice-workflows", "type": "collection"}, indent=2
        )
        + "\n",
        "environments/local.bru": f"vars {{\n{env}\n}}\n",
    }
    chained: dict[str, dict[str, str]] = {}
    for request in requests:
        for text in (request.url, request.body or ""):
            for name, path in CHAIN.findall(text):
                chained.setdefault(name, {})[f"{name}_{path.replace('.', '_')}"] = (
                    f"res.body.{path}"
                )
    for seq, request in enumerate(requests, start=1):
        post_vars = chained.get(request.name or "", {})
        name = f"{seq:02d}-{_slug(request.title)}.bru"
        files[name] = _request_file(seq, request, post_vars, http_dir, out)
    return files


def _request_file(
    seq: int, request: CollectedRequest, post_vars: dict[str, str], http_dir: Path, out: Path
) -> str:
    kind = request.headers.get("Content-Type", "").split(";")[0]
    body_kind = {"application/json": "json", "multipart/form-data": "multipartForm"}.get(
        kind, "text" if request.body else "none"
    )
    parts = [
        f"meta {{\n  name: {request.title}\n  type: http\n  seq: {seq}\n}}",
        f"{request.method.lower()} {{\n  url: {_bruno_chain(request.url)}\n"
        f"  body: {body_kind}\n  auth: none\n}}",
    ]
    # Bruno sets the content type of json and multipart bodies itself.
    headers = {
        k: v for k, v in request.headers.items() if k != "Content-Type" or body_kind == "text"
    }
    if headers:
        lines = "\n".join(f"  {k}: {v}" for k, v in headers.items())
        parts.append(f"headers {{\n{lines}\n}}")
    if body_kind in ("json", "text") and request.body:
        indented = "\n".join(f"  {line}" for line in request.body.splitlines())
        parts.append(f"body:{body_kind} {{\n{indented}\n}}")
    if body_kind == "multipartForm":
        fields = _multipart_fields(request, http_dir, out)
        lines = "\n".join(f"  {k}: {v}" for k, v in fields.items())
        parts.append(f"body:multipart-form {{\n{lines}\n}}")
    if post_vars:
        lines = "\n".join(f"  {k}: {v}" for k, v in post_vars.items())
        parts.append(f"vars:post-response {{\n{lines}\n}}")
    parts.append(f"assert {{\n  res.status: eq {request.expect}\n}}")
    if request.waits:
        parts.append("docs {\n" + "".join(f"  wait-until: {w}\n" for w in request.waits) + "}")
    return "\n\n".join(parts) + "\n"


def write_bruno(http_file: Path, out: Path) -> None:
    """Write the Bruno collection of `http_file` into `out`, replacing its requests."""
    files = render_bruno(http_file.read_text(), http_file.parent, out)
    (out / "environments").mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.bru"):
        old.unlink()
    for name, text in files.items():
        (out / name).write_text(text)
