"""Finding the e-invoice XML a PDF carries (Factur-X, ZUGFeRD, XRechnung).

Hybrid invoices attach the structured invoice as a file: listed in the catalog's
EmbeddedFiles name tree and, in PDF/A-3, in its /AF (associated files) array. Known
file names are tried first, then any other .xml attachment; a file counts only if
its root element is a CII CrossIndustryInvoice (or ZUGFeRD 1.0's CrossIndustryDocument)
or a UBL Invoice/CreditNote. The
bytes are only located here; the extract service parses them (with defusedxml).

Everything is bounded: the number of attachments looked at, the decompressed size
(through pypdf's own limits) and the bytes read to find the root element. A PDF
whose attachments are broken, too big or not e-invoices is split as if it had none.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from xml.parsers import expat

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

# Most preferred first; compared case-insensitively (ZUGFeRD-invoice.xml is common).
KNOWN_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "order-x.xml")
INVOICE_ROOTS = frozenset(
    {
        "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100 CrossIndustryInvoice",
        "urn:ferd:CrossIndustryDocument:invoice:1p0 CrossIndustryDocument",
        "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2 Invoice",
        "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2 CreditNote",
    }
)
MAX_ATTACHMENTS = 64
# The root element comes first in any real e-invoice; nothing to gain reading further.
SNIFF_BYTES = 64 * 1024
# pypdf's recovery of a broken flate stream goes byte by byte: keep that short here.
RECOVERY_BYTES = 256 * 1024
_DECODE_LIMITS = (
    "zlib_maximum_output_length",
    "lzw_maximum_output_length",
    "run_length_maximum_output_length",
    "brotli_maximum_output_length",
    "array_based_stream_maximum_output_length",
)
_PDF_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError)


@dataclass(frozen=True)
class EmbeddedXml:
    name: str
    data: bytes


@dataclass
class EInvoiceSearch:
    """The e-invoice found, if any, and why other candidates were passed over."""

    found: EmbeddedXml | None = None
    skipped: list[str] = field(default_factory=list)


class _Stop(Exception):
    """Ends parsing once the root element (or a refusal) is known."""


def invoice_root(xml: bytes) -> str | None:
    """'<namespace> <local name>' of the root element if it is an e-invoice's, else None.

    Reads at most SNIFF_BYTES with the standard library's expat and refuses any
    DOCTYPE or entity declaration, so nothing is expanded or fetched.
    """
    roots: list[str] = []

    def start(name: str, _attrs: object) -> None:
        roots.append(name)
        raise _Stop

    def refuse(*_args: object) -> None:
        raise _Stop

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    with contextlib.suppress(_Stop, expat.ExpatError):
        parser.Parse(xml[:SNIFF_BYTES], False)
    return roots[0] if roots and roots[0] in INVOICE_ROOTS else None


def _names(spec: DictionaryObject, tree_name: object) -> list[str]:
    found = [tree_name] if isinstance(tree_name, str) else []
    for key in ("/UF", "/F"):
        value = spec.get(key)
        value = value.get_object() if value is not None else None
        if isinstance(value, str):
            found.append(value)
    return found


def _file_specs(reader: PdfReader) -> Iterator[tuple[DictionaryObject, list[str]]]:
    """Each file specification once, from the EmbeddedFiles tree and then from /AF."""
    tree = ((entry.pdf_object, entry.name) for entry in reader.attachment_list)
    af = reader.root_object.get("/AF")
    af = af.get_object() if af is not None else None
    associated = ((item, None) for item in (af if isinstance(af, ArrayObject) else ()))
    seen: set[object] = set()
    for spec_or_ref, tree_name in islice(chain(tree, associated), MAX_ATTACHMENTS):
        spec = spec_or_ref.get_object()
        if not isinstance(spec, DictionaryObject):
            continue
        ref = getattr(spec, "indirect_reference", None)  # None for a direct object
        identity = (ref.idnum, ref.generation) if ref is not None else id(spec)
        if identity not in seen:
            seen.add(identity)
            yield spec, _names(spec, tree_name)


def _rank(names: list[str]) -> int | None:
    """Position in KNOWN_NAMES, len(KNOWN_NAMES) for another .xml file, None otherwise."""
    folded = [name.casefold() for name in names]
    ranks = [KNOWN_NAMES.index(name) for name in folded if name in KNOWN_NAMES]
    if ranks:
        return min(ranks)
    return len(KNOWN_NAMES) if any(name.endswith(".xml") for name in folded) else None


def _stream(spec: DictionaryObject) -> StreamObject | None:
    files = spec.get("/EF")
    files = files.get_object() if files is not None else None
    if not isinstance(files, DictionaryObject):
        return None
    stream = files.get("/UF", files.get("/F"))
    stream = stream.get_object() if stream is not None else None
    return stream if isinstance(stream, StreamObject) else None


def _declared_size(stream: StreamObject) -> int | None:
    params = stream.get("/Params")
    params = params.get_object() if params is not None else None
    size = params.get("/Size") if isinstance(params, DictionaryObject) else None
    return size if isinstance(size, int) else None


def _content(spec: DictionaryObject, max_bytes: int) -> bytes | str:
    """The embedded file's bytes, or why they cannot be had."""
    limits = dict.fromkeys(_DECODE_LIMITS, max_bytes + 1)
    try:
        stream = _stream(spec)
        if stream is None:
            return "no embedded file stream"
        declared = _declared_size(stream)
        if declared is not None and declared > max_bytes:
            return f"declares {declared} bytes, more than the {max_bytes} bytes allowed"
        with apply_configuration(None, zlib_maximum_recovery_input_length=RECOVERY_BYTES, **limits):
            data = stream.get_data()
    except LimitReachedError:
        return f"decodes to more than the {max_bytes} bytes allowed"
    except _PDF_ERRORS as exc:
        return f"unreadable ({type(exc).__name__}: {str(exc)[:200]})"
    if len(data) > max_bytes:
        return f"{len(data)} bytes, more than the {max_bytes} bytes allowed"
    return data


def find_einvoice(reader: PdfReader, max_bytes: int) -> EInvoiceSearch:
    """The best e-invoice attached to the PDF; never raises for a broken PDF."""
    search = EInvoiceSearch()
    candidates: list[tuple[int, int, DictionaryObject, list[str]]] = []
    try:
        for order, (spec, names) in enumerate(_file_specs(reader)):
            if (rank := _rank(names)) is not None:
                candidates.append((rank, order, spec, names))
    except _PDF_ERRORS as exc:  # keep what was listed before the break
        search.skipped.append(f"attachments unreadable ({type(exc).__name__}: {str(exc)[:200]})")
    for _, _, spec, names in sorted(candidates, key=lambda c: (c[0], c[1])):
        name = names[0][:100] if names else "?"
        data = _content(spec, max_bytes)
        if isinstance(data, str):
            search.skipped.append(f"attachment {name!r}: {data}")
        elif invoice_root(data) is None:
            search.skipped.append(f"attachment {name!r}: not a CII or UBL invoice")
        else:
            search.found = EmbeddedXml(name=name, data=data)
            break
    return search
