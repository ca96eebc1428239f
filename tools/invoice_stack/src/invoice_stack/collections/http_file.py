"""Reading REST Client's `.http` files, with the directives the collection test uses
(`# @expect`, `# @wait-until`, `# @name`)."""

from __future__ import annotations

import re

from invoice_stack.collections.model import CollectedRequest


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
        name=next(iter(directives.get("name", [])), None),
    )
