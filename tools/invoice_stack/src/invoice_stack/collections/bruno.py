"""Reading a Bruno collection (`.bru` files) into the shape of the `.http` parser's."""

from __future__ import annotations

import re
from pathlib import Path

from invoice_stack.collections.model import CollectedRequest


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
