"""Where to find a Unicode TrueType font, for text the built-in fonts cannot draw.

fpdf2's built-in Helvetica covers Windows-1252 only. A narrow no-break space
(U+202F, the French thousands separator) is outside it, so invoices that use one
embed DejaVu Sans, which Debian ships as fonts-dejavu-core.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)


class MissingFontError(RuntimeError):
    """No Unicode font was found for text outside Windows-1252."""


@dataclass(frozen=True)
class UnicodeFont:
    """A regular and a bold TrueType file of one family."""

    family: str
    regular: Path
    bold: Path


def find_unicode_font() -> UnicodeFont:
    """DejaVu Sans from the usual system folders, or MissingFontError."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return UnicodeFont("dejavu", regular, bold)
    raise MissingFontError(
        "text outside Windows-1252 (e.g. a narrow no-break space) needs DejaVu Sans; "
        "install it (apt-get install fonts-dejavu-core) or choose another number format"
    )


def core_font_can_draw(text: str) -> bool:
    """Whether the built-in fonts (Windows-1252) can draw every character of `text`."""
    try:
        text.encode("windows-1252")
    except UnicodeEncodeError:
        return False
    return True
