"""One request of a collection, whichever file it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A value chained from an earlier response: {{<name>.response.body.<path>}}.
CHAIN = re.compile(r"\{\{(\w+)\.response\.body\.([\w.]+)\}\}")


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
