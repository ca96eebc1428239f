"""Request collections: parse `http/workflow.http` (REST Client) and Bruno `.bru` files
into one shape, and write the Bruno collection from the `.http` file.

`python -m invoice_stack.http_collections http/workflow.http http/bruno` regenerates
the Bruno collection; a test runs both against the real stack.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

_CHAIN = re.compile(r"\{\{(\w+)\.response\.body\.([\w.]+)\}\}")


@dataclass
class CollectedRequest:
    title: str
    method: str
    url: str
    expect: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # text with {{variables}}; "< path" lines include files
    waits: list[str] = field(default_factory=list)  # "<id> <field>=<v>[|<v>] ..."
    name: str | None = None
    # Bruno: variables set from the response, {var: "res.body.path"}.
    post_vars: dict[str, str] = field(default_factory=dict)
    # Bruno: multipart fields, {name: value or "@file(path)"}.
    form: dict[str, str] | None = None


# -- REST Client (.http) ------------------------------------------------------------


def parse_http(text: str) -> tuple[dict[str, str], list[CollectedRequest]]:
    """File-level `@var = value` definitions and the requests, in order."""
    variables: dict[str, str] = {}
    blocks = re.split(r"^###[^\n]*\n?", text, flags=re.M)
    titles = re.findall(r"^###\s*(.*)$", text, flags=re.M)
    for line in blocks[0].splitlines():
        if match := re.match(r"^@(\w+)\s*=\s*(.*)$", line.strip()):
            variables[match[1]] = match[2].strip()
    return variables, [_parse_block(t, b) for t, b in zip(titles, blocks[1:], strict=True)]


def _parse_block(title: str, block: str) -> CollectedRequest:
    lines = block.splitlines()
    directives: dict[str, list[str]] = {}
    while lines and (not lines[0].strip() or lines[0].startswith("#")):
        if match := re.match(r"^#\s*@([\w-]+)\s*(.*)$", lines.pop(0)):
            directives.setdefault(match[1], []).append(match[2].strip())
    method, url = lines.pop(0).split(None, 1)
    headers: dict[str, str] = {}
    while lines and lines[0].strip():
        key, value = lines.pop(0).split(":", 1)
        headers[key.strip()] = value.strip()
    body = "\n".join(lines).strip("\n") or None
    if "expect" not in directives:
        raise ValueError(f"request {title!r} documents no status (# @expect)")
    return CollectedRequest(
        title=title.strip(),
        method=method.upper(),
        url=url.strip(),
        expect=int(directives["expect"][0]),
        headers=headers,
        body=body,
        waits=directives.get("wait-until", []),
        name=(directives.get("name") or [None])[0],
    )


# -- Bruno (.bru) -------------------------------------------------------------------


def _blocks(text: str) -> dict[str, list[str]]:
    blocks: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        if current is None:
            if match := re.match(r"^([\w:-]+)\s*\{$", line):
                current = match[1]
                blocks[current] = []
        elif line == "}":
            current = None
        else:
            blocks[current].append(line[2:] if line.startswith("  ") else line)
    return blocks


def _pairs(lines: list[str]) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def parse_bruno_request(text: str) -> tuple[int, CollectedRequest]:
    blocks = _blocks(text)
    meta = _pairs(blocks["meta"])
    method = next(m for m in ("get", "post", "put", "patch", "delete") if m in blocks)
    spec = _pairs(blocks[method])
    expect = _pairs(blocks["assert"])["res.status"].removeprefix("eq ").strip()
    body = None
    for kind in ("body:json", "body:text"):
        if kind in blocks:
            body = "\n".join(blocks[kind]).strip("\n")
    headers = _pairs(blocks.get("headers", []))
    if "body:json" in blocks:
        headers.setdefault("Content-Type", "application/json")
    docs = _pairs(blocks.get("docs", []))
    return int(meta["seq"]), CollectedRequest(
        title=meta["name"],
        method=method.upper(),
        url=spec["url"],
        expect=int(expect),
        headers=headers,
        body=body,
        waits=[docs["wait-until"]] if "wait-until" in docs else [],
        post_vars=_pairs(blocks.get("vars:post-response", [])),
        form=_pairs(blocks["body:multipart-form"]) if "body:multipart-form" in blocks else None,
    )


def parse_bruno(folder: Path) -> tuple[dict[str, str], list[CollectedRequest]]:
    """The local environment's variables and the requests in `seq` order."""
    variables = _pairs(_blocks((folder / "environments" / "local.bru").read_text())["vars"])
    requests = [parse_bruno_request(p.read_text()) for p in folder.glob("*.bru")]
    return variables, [r for _, r in sorted(requests, key=lambda pair: pair[0])]


# -- .http -> Bruno -----------------------------------------------------------------


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:50]


def _bruno_chain(text: str) -> str:
    return _CHAIN.sub(lambda m: "{{" + f"{m[1]}_{m[2].replace('.', '_')}" + "}}", text)


def _multipart_fields(request: CollectedRequest, source_dir: Path, bruno_dir: Path) -> dict:  # type: ignore[type-arg]
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


def write_bruno(http_file: Path, out: Path) -> None:
    variables, requests = parse_http(http_file.read_text())
    out.mkdir(parents=True, exist_ok=True)
    (out / "environments").mkdir(exist_ok=True)
    for old in out.glob("*.bru"):
        old.unlink()
    (out / "bruno.json").write_text(
        json.dumps({"version": "1", "name": "invoice-workflows", "type": "collection"}, indent=2)
        + "\n"
    )
    env = "\n".join(f"  {k}: {_bruno_value(v)}" for k, v in variables.items())
    (out / "environments" / "local.bru").write_text(f"vars {{\n{env}\n}}\n")
    chained: dict[str, dict[str, str]] = {}
    for request in requests:
        for text in (request.url, request.body or ""):
            for name, path in _CHAIN.findall(text):
                chained.setdefault(name, {})[f"{name}_{path.replace('.', '_')}"] = (
                    f"res.body.{path}"
                )
    for seq, request in enumerate(requests, start=1):
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
            fields = _multipart_fields(request, http_file.parent, out)
            lines = "\n".join(f"  {k}: {v}" for k, v in fields.items())
            parts.append(f"body:multipart-form {{\n{lines}\n}}")
        if request.name and request.name in chained:
            lines = "\n".join(f"  {k}: {v}" for k, v in chained[request.name].items())
            parts.append(f"vars:post-response {{\n{lines}\n}}")
        parts.append(f"assert {{\n  res.status: eq {request.expect}\n}}")
        if request.waits:
            parts.append("docs {\n" + "".join(f"  wait-until: {w}\n" for w in request.waits) + "}")
        name = f"{seq:02d}-{_slug(request.title)}.bru"
        (out / name).write_text("\n\n".join(parts) + "\n")


if __name__ == "__main__":
    write_bruno(Path(sys.argv[1]), Path(sys.argv[2]))
