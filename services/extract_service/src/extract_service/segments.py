"""Layout text cut into rows of segments.

pypdf's layout mode places text at its horizontal position, so separate blocks or
table cells on one line are separated by runs of spaces, while words within one
cell (and digit groups such as "1 234,56") keep single spaces. A segment is a run
of text with no double space inside; its column span lets us ask what is printed
below a label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract_service.numbers import normalize_text

_SEGMENT = re.compile(r"\S+(?: \S+)*")


@dataclass(frozen=True)
class Segment:
    """One run of text on one row, with its character columns [start, end)."""

    text: str
    row: int
    col: int
    start: int
    end: int

    def gap_to(self, other: Segment) -> int:
        """Horizontal distance in columns; 0 when the two spans overlap."""
        return max(0, max(self.start, other.start) - min(self.end, other.end))

    def overlap(self, other: Segment) -> int:
        """How many columns the two spans share."""
        return max(0, min(self.end, other.end) - max(self.start, other.start))


def page_rows(text: str) -> list[list[Segment]]:
    """Non-empty lines of `text`, each as its segments from left to right."""
    rows: list[list[Segment]] = []
    for line in normalize_text(text).expandtabs().splitlines():
        found = list(_SEGMENT.finditer(line))
        if found:
            row = len(rows)
            rows.append(
                [Segment(m.group(), row, col, m.start(), m.end()) for col, m in enumerate(found)]
            )
    return rows
