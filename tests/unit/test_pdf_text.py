"""The text layer read from character boxes: each character stays on its own box."""

from __future__ import annotations

from extract_service.pdf_text import page_text

# "A" is drawn as a telephone pictogram, U+1F4DE, outside Unicode's basic plane: PDFium
# gives it two indexes (a UTF-16 surrogate pair) but a text range one character.
_TO_UNICODE = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Ligature def 1 begincodespacerange <00> <FF> endcodespacerange
1 beginbfchar <41> <D83DDCDE> endbfchar endcmap
CMapName currentdict /CMap defineresource pop end end"""
_CONTENT = b"BT /F1 12 Tf 72 720 Td (Aled) Tj 0 -40 Td (Total   12.00) Tj ET"


def _pdf(content: bytes, to_unicode: bytes) -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(to_unicode), to_unicode),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_a_character_outside_the_basic_plane_does_not_shift_the_rest_of_the_page():
    rows = [line.split() for line in page_text(_pdf(_CONTENT, _TO_UNICODE)).splitlines()]
    rows = [row for row in rows if row]
    assert rows[1] == ["Total", "12.00"]
    assert rows[0][-1].endswith("led")


_PLAIN = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Plain def 1 begincodespacerange <00> <FF> endcodespacerange
1 beginbfchar <7E> <007E> endbfchar endcmap
CMapName currentdict /CMap defineresource pop end end"""


def _spaced(text: str, letter: int, word: int) -> bytes:
    """`text` set letter by letter (TJ), `letter` and `word` thousandths of an em apart:
    no space characters, only gaps, from which PDFium infers spaces of its own."""
    words = [b" ".join(b"(%s) %d" % (ch.encode(), -letter) for ch in w) for w in text.split()]
    return b"BT /F1 12 Tf 72 720 Td [" + (b" %d " % -word).join(words) + b"] TJ ET"


def test_letter_spaced_text_reads_as_words() -> None:
    for letter in (150, 250, 400):  # up to 0.4 em: wider than a plain word space
        text = page_text(_pdf(_spaced("LICORES MADRUENO S.L.", letter, 600), _PLAIN))
        assert text.strip() == "LICORES MADRUENO S.L."


def test_words_set_apart_by_gaps_alone_stay_apart() -> None:
    text = page_text(_pdf(_spaced("Total amount due 12.00", 0, 280), _PLAIN))
    assert text.split() == ["Total", "amount", "due", "12.00"]


def test_letter_spaced_words_beside_ordinary_ones_read_as_words() -> None:
    content = (
        _spaced("FORMA DE PAGO", 200, 700).replace(b" ET", b"")
        + b" [(      ) -3000 (ordinary text here)] TJ ET"
    )
    assert page_text(_pdf(content, _PLAIN)).split() == [
        "FORMA", "DE", "PAGO", "ordinary", "text", "here",
    ]  # fmt: skip
