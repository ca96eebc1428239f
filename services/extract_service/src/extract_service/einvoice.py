"""Reading an embedded e-invoice (Factur-X/ZUGFeRD/XRechnung) and checking the page.

The XML comes from an uploaded PDF, so it is hostile until proven otherwise: it is
size-checked first, parsed by defusedxml with DTDs, entity declarations and external
references all refused (no billion laughs, no file or network access), and only read
through fixed element paths. Each value is checked before it becomes a field; a value
that is missing or malformed is left out rather than failing the whole document.

Two syntaxes carry the same EN 16931 invoice: UN/CEFACT CII (Factur-X, ZUGFeRD 2,
XRechnung-CII) and OASIS UBL 2.1 Invoice or CreditNote (XRechnung-UBL, Peppol). The
CII reader also takes ZUGFeRD 1.0, the older CII draft that predates EN 16931.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Literal

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]
from pydantic import ValidationError

from extract_service.fields import without_title
from invoice_shared.models import (
    MAX_AMOUNT,
    FieldSource,
    InvoiceFields,
    LineItem,
    PageExtraction,
)
from invoice_shared.party_names import name_key, same_party

MAX_XML_BYTES = 5 * 1024 * 1024
# Tags cost memory, not bytes: 5 MB of "<a/>" is 1.3 million elements. Real invoice XML
# has well under one tag per 13 bytes, so this bounds the tree without refusing any.
MAX_TAGS = 400_000
MAX_LINE_ITEMS = 10_000
MAX_TEXT = 300
# Structured data read verbatim: as sure as the extractor gets, short of certainty.
EMBEDDED_CONFIDENCE = 0.99

CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
ZUGFERD_1_NS = "urn:ferd:CrossIndustryDocument:invoice:1p0"
UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS = {
    "rsm": CII,
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
_NUMBER = re.compile(r"[+-]?\d{1,18}(?:\.\d{1,10})?")
_CURRENCY = re.compile(r"[A-Z]{3}")
FIELD_LABELS = {name: name.replace("_", " ") for name in InvoiceFields.model_fields}


class EInvoiceError(ValueError):
    """XML that is not an e-invoice this module reads, or not safe to read."""


@dataclass(frozen=True)
class EmbeddedInvoice:
    """What an e-invoice says, in our contract's terms."""

    syntax: Literal["CII", "UBL"]
    type_code: str | None  # UNTDID 1001: 380 invoice, 381 credit note, ...
    fields: InvoiceFields
    line_items: tuple[LineItem, ...]
    # Lines left out because a description, quantity, price or amount was unreadable.
    skipped_lines: int = 0

    def found(self) -> dict[str, object]:
        """The header and totals fields the XML gives, by name."""
        return {k: v for k, v in self.fields.model_dump().items() if v is not None}


def parse_einvoice(xml: bytes, max_bytes: int = MAX_XML_BYTES) -> EmbeddedInvoice:
    """Read CII or UBL invoice XML; EInvoiceError says why when it cannot."""
    if len(xml) > max_bytes:
        raise EInvoiceError(f"the XML is {len(xml)} bytes; the limit is {max_bytes}")
    if (tags := xml.count(b"<")) > MAX_TAGS:
        raise EInvoiceError(f"the XML has {tags} tags; the limit is {MAX_TAGS}")
    try:
        root: ET.Element = fromstring(
            xml, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as exc:
        raise EInvoiceError(f"refused: {type(exc).__name__}") from exc
    except (ET.ParseError, ValueError, LookupError) as exc:
        raise EInvoiceError(f"not well-formed XML: {str(exc)[:200]}") from exc
    try:
        if root.tag == f"{{{CII}}}CrossIndustryInvoice":
            return _read_cii(root, CII_D16B)
        if root.tag == f"{{{ZUGFERD_1_NS}}}CrossIndustryDocument":
            return _read_cii(root, ZUGFERD_1)
        if root.tag in (f"{{{UBL_INVOICE}}}Invoice", f"{{{UBL_CREDIT_NOTE}}}CreditNote"):
            return _read_ubl(root)
    except ValidationError as exc:
        raise EInvoiceError(f"values out of range: {exc.error_count()} errors") from exc
    raise EInvoiceError(f"root element {root.tag[:200]!r} is not a CII or UBL invoice")


def read_einvoice(xml: bytes, max_bytes: int = MAX_XML_BYTES) -> EmbeddedInvoice | None:
    """`parse_einvoice`, with None for anything it refuses."""
    try:
        return parse_einvoice(xml, max_bytes)
    except EInvoiceError:
        return None


# --- values -------------------------------------------------------------------------


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    text = " ".join(element.text.split())[:MAX_TEXT]
    return text or None


def _decimal(element: ET.Element | None) -> Decimal | None:
    text = _text(element)
    if text is None or not _NUMBER.fullmatch(text):
        return None
    value = Decimal(text)
    return value if abs(value) < MAX_AMOUNT else None


def _currency(element: ET.Element | None) -> str | None:
    text = _text(element)
    return text if text and _CURRENCY.fullmatch(text) else None


def _date(element: ET.Element | None, cii: bool) -> dt.date | None:
    text = _text(element)
    if text is None or element is None:
        return None
    try:
        if cii:  # UNTDID 2379 format 102 is CCYYMMDD, the only day-precise one.
            if element.get("format", "102") != "102" or not re.fullmatch(r"\d{8}", text):
                return None
            return dt.datetime.strptime(text, "%Y%m%d").date()
        return dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def _first(elements: Iterable[ET.Element | None]) -> ET.Element | None:
    return next((e for e in elements if e is not None and _text(e) is not None), None)


def _in_currency(elements: list[ET.Element], currency: str | None) -> ET.Element | None:
    """Of amounts given in several currencies (BT-110/BT-111), the invoice's own."""
    return _first(
        [e for e in elements if e.get("currencyID") == currency]
        + [e for e in elements if e.get("currencyID") is None]
        + elements
    )


def _unit_price(
    price: ET.Element | None,
    basis: ET.Element | None,
    quantity: Decimal | None = None,
    amount: Decimal | None = None,
) -> Decimal | None:
    # A price may be quoted per basis quantity (per 100 units, say). Some writers put
    # the line's own quantity there while quoting the price per unit (15 x 10.00 = 150.00
    # with a basis of 15): when quantity x price gives the amount and quantity x
    # price / basis does not, the basis is ignored.
    value, per = _decimal(price), _decimal(basis)
    if value is None or per is None or per == 0 or per == 1:
        return value
    if (
        quantity is not None
        and amount is not None
        and _close(quantity * value, amount)
        and not _close(quantity * value / per, amount)
    ):
        return value
    return value / per


def _close(computed: Decimal, printed: Decimal) -> bool:
    return abs(computed - printed) <= Decimal("0.01")


def _line(
    description: str | None,
    quantity: Decimal | None,
    unit_price: Decimal | None,
    amount: Decimal | None,
) -> LineItem | None:
    if description is None or quantity is None or unit_price is None or amount is None:
        return None
    try:
        return LineItem(
            description=description, quantity=quantity, unit_price=unit_price, amount=amount
        )
    except ValidationError:  # a price per a tiny basis quantity can leave Money's range
        return None


def _invoice(
    syntax: Literal["CII", "UBL"],
    type_code: str | None,
    fields: InvoiceFields,
    lines: Iterator[LineItem | None],
) -> EmbeddedInvoice:
    # Names as the page reader gives them: "Herrn Max Mustermann" is Max Mustermann.
    names = {
        name: bare
        for name in ("vendor_name", "customer_name")
        if (value := getattr(fields, name)) and (bare := without_title(value))
    }
    fields = fields.model_copy(update=names)
    read = list(islice(lines, MAX_LINE_ITEMS))
    readable = [line for line in read if line is not None]
    # A line of zeros (quantity, price and amount all 0) is a section heading or a note
    # some writers emit as a line ("--- Food Products ---"), not something sold.
    items = tuple(line for line in readable if not _is_empty(line))
    return EmbeddedInvoice(syntax, type_code, fields, items, len(read) - len(readable))


def _is_empty(line: LineItem) -> bool:
    return not (line.quantity or line.unit_price or line.amount)


# --- CII ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CiiDialect:
    """Where one version of CII keeps each value; the values themselves mean the same."""

    namespaces: dict[str, str]
    document: str
    transaction: str
    agreement: str
    settlement: str
    sums: str
    line_agreement: str
    line_delivery: str
    line_sums: str


# CII D16B, as in Factur-X, ZUGFeRD 2 and XRechnung.
CII_D16B = _CiiDialect(
    namespaces=NS,
    document="rsm:ExchangedDocument",
    transaction="rsm:SupplyChainTradeTransaction",
    agreement="ram:ApplicableHeaderTradeAgreement",
    settlement="ram:ApplicableHeaderTradeSettlement",
    sums="ram:SpecifiedTradeSettlementHeaderMonetarySummation",
    line_agreement="ram:SpecifiedLineTradeAgreement",
    line_delivery="ram:SpecifiedLineTradeDelivery",
    line_sums="ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation",
)
# ZUGFeRD 1.0 (2014), still sent by German ERP systems: an older CII draft with its
# own namespaces and element names.
ZUGFERD_1 = _CiiDialect(
    namespaces={
        "rsm": ZUGFERD_1_NS,
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12",
        "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15",
    },
    document="rsm:HeaderExchangedDocument",
    transaction="rsm:SpecifiedSupplyChainTradeTransaction",
    agreement="ram:ApplicableSupplyChainTradeAgreement",
    settlement="ram:ApplicableSupplyChainTradeSettlement",
    sums="ram:SpecifiedTradeSettlementMonetarySummation",
    line_agreement="ram:SpecifiedSupplyChainTradeAgreement",
    line_delivery="ram:SpecifiedSupplyChainTradeDelivery",
    line_sums="ram:SpecifiedSupplyChainTradeSettlement/ram:SpecifiedTradeSettlementMonetarySummation",
)


def _read_cii(root: ET.Element, dialect: _CiiDialect) -> EmbeddedInvoice:
    ns = dialect.namespaces

    def at(parent: ET.Element | None, path: str) -> ET.Element | None:
        return parent.find(path, ns) if parent is not None else None

    doc = root.find(dialect.document, ns)
    deal = root.find(dialect.transaction, ns)
    agreement = at(deal, dialect.agreement)
    settlement = at(deal, dialect.settlement)
    sums = at(settlement, dialect.sums)
    currency = _currency(at(settlement, "ram:InvoiceCurrencyCode"))

    fields = InvoiceFields(
        invoice_number=_text(at(doc, "ram:ID")),
        invoice_date=_date(at(doc, "ram:IssueDateTime/udt:DateTimeString"), cii=True),
        due_date=_date(
            at(settlement, "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"),
            cii=True,
        ),
        vendor_name=_text(at(agreement, "ram:SellerTradeParty/ram:Name")),
        customer_name=_text(at(agreement, "ram:BuyerTradeParty/ram:Name")),
        currency=currency,
        subtotal=_decimal(
            _first([at(sums, "ram:TaxBasisTotalAmount"), at(sums, "ram:LineTotalAmount")])
        ),
        tax=_decimal(
            _in_currency(
                sums.findall("ram:TaxTotalAmount", ns) if sums is not None else [], currency
            )
        ),
        total=_decimal(
            _first([at(sums, "ram:GrandTotalAmount"), at(sums, "ram:DuePayableAmount")])
        ),
    )
    lines = [] if deal is None else deal.findall("ram:IncludedSupplyChainTradeLineItem", ns)
    # ZUGFeRD 1.0 allows a line that only carries a note (no product, no amounts).
    lines = [line for line in lines if line.find("ram:SpecifiedTradeProduct", ns) is not None]
    return _invoice(
        "CII",
        _text(at(doc, "ram:TypeCode")),
        fields,
        (_cii_line(line, dialect) for line in lines),
    )


def _cii_line(line: ET.Element, dialect: _CiiDialect) -> LineItem | None:
    ns = dialect.namespaces
    product = line.find("ram:SpecifiedTradeProduct", ns)
    price = line.find(f"{dialect.line_agreement}/ram:NetPriceProductTradePrice", ns)
    quantity = _decimal(line.find(f"{dialect.line_delivery}/ram:BilledQuantity", ns))
    amount = _decimal(line.find(f"{dialect.line_sums}/ram:LineTotalAmount", ns))
    return _line(
        _text(_first(product.findall("ram:Name", ns) + product.findall("ram:Description", ns)))
        if product is not None
        else None,
        quantity,
        _unit_price(
            price.find("ram:ChargeAmount", ns) if price is not None else None,
            price.find("ram:BasisQuantity", ns) if price is not None else None,
            quantity,
            amount,
        ),
        amount,
    )


# --- UBL ------------------------------------------------------------------------------


def _party_name(root: ET.Element, role: str) -> str | None:
    party = f"cac:{role}/cac:Party"
    return _text(
        _first(
            [
                root.find(f"{party}/cac:PartyName/cbc:Name", NS),
                root.find(f"{party}/cac:PartyLegalEntity/cbc:RegistrationName", NS),
            ]
        )
    )


def _read_ubl(root: ET.Element) -> EmbeddedInvoice:
    credit = root.tag.endswith("}CreditNote")
    currency = _currency(root.find("cbc:DocumentCurrencyCode", NS))
    sums = root.find("cac:LegalMonetaryTotal", NS)

    def total(*tags: str) -> Decimal | None:
        found = [sums.find(f"cbc:{tag}", NS) for tag in tags] if sums is not None else []
        return _decimal(_first(found))

    fields = InvoiceFields(
        invoice_number=_text(root.find("cbc:ID", NS)),
        invoice_date=_date(root.find("cbc:IssueDate", NS), cii=False),
        due_date=_date(
            _first(
                [root.find("cbc:DueDate", NS), root.find("cac:PaymentMeans/cbc:PaymentDueDate", NS)]
            ),
            cii=False,
        ),
        vendor_name=_party_name(root, "AccountingSupplierParty"),
        customer_name=_party_name(root, "AccountingCustomerParty"),
        currency=currency,
        subtotal=total("TaxExclusiveAmount", "LineExtensionAmount"),
        tax=_decimal(_in_currency(root.findall("cac:TaxTotal/cbc:TaxAmount", NS), currency)),
        total=total("TaxInclusiveAmount", "PayableAmount"),
    )
    kind = "CreditNote" if credit else "Invoice"
    type_code = _text(root.find(f"cbc:{kind}TypeCode", NS))
    lines = root.iterfind(f"cac:{kind}Line", NS)
    quantity = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
    return _invoice("UBL", type_code, fields, (_ubl_line(line, quantity) for line in lines))


def _ubl_line(line: ET.Element, quantity_path: str) -> LineItem | None:
    quantity = _decimal(line.find(quantity_path, NS))
    amount = _decimal(line.find("cbc:LineExtensionAmount", NS))
    return _line(
        _text(
            _first([line.find("cac:Item/cbc:Name", NS), line.find("cac:Item/cbc:Description", NS)])
        ),
        quantity,
        _unit_price(
            line.find("cac:Price/cbc:PriceAmount", NS),
            line.find("cac:Price/cbc:BaseQuantity", NS),
            quantity,
            amount,
        ),
        amount,
    )


# --- the page against the XML -----------------------------------------------------------


def _agree(name: str, embedded: object, shown: object) -> bool:
    if name in ("vendor_name", "customer_name"):
        # "Acme" on the letterhead and "Acme GmbH" (its legal name) in the data are one
        # party: a name that starts the other agrees, if it is more than an initial.
        return same_party(str(embedded), str(shown))
    if name == "invoice_number":
        # Case, accents, punctuation and spacing differ between a layout and its data.
        return name_key(str(embedded)) == name_key(str(shown))
    return embedded == shown


def _show(name: str, value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if name == "currency" else f'"{value}"'


def cross_check(embedded: EmbeddedInvoice, page_fields: InvoiceFields) -> list[str]:
    """A warning for each field the page shows differently from the e-invoice.

    A field the page does not show is not a disagreement (a first page rarely shows
    the totals of a longer invoice).
    """
    warnings = []
    for name, label in FIELD_LABELS.items():
        xml_value, page_value = getattr(embedded.fields, name), getattr(page_fields, name)
        if xml_value is None or page_value is None or _agree(name, xml_value, page_value):
            continue
        warnings.append(
            f"The embedded e-invoice says {label} {_show(name, xml_value)} "
            f"but the page shows {_show(name, page_value)}."
        )
    return warnings


# Facts that name one document: two of them contradicted means another document.
IDENTITY_FIELDS = ("invoice_number", "vendor_name", "total")


def describes_another_invoice(embedded: EmbeddedInvoice, page_fields: InvoiceFields) -> bool:
    """Whether the XML is plainly not this page's invoice.

    Badly made hybrids exist (a sample XML left in a template, the XML of the previous
    invoice): when the page shows its own number and at least one more identifying
    fact, and both contradict the XML, the XML is about some other invoice.
    """
    shown = [
        name
        for name in IDENTITY_FIELDS
        if getattr(page_fields, name) is not None and getattr(embedded.fields, name) is not None
    ]
    contradicted = [
        name
        for name in shown
        if not _agree(name, getattr(embedded.fields, name), getattr(page_fields, name))
    ]
    return "invoice_number" in contradicted and len(contradicted) >= 2


def apply_embedded(
    page: PageExtraction, embedded: EmbeddedInvoice, *, take_line_items: bool = True
) -> PageExtraction:
    """The page's extraction with the e-invoice's values in place of its own.

    Fields the XML gives take source "embedded_xml" and EMBEDDED_CONFIDENCE; fields it
    lacks keep the page's value and evidence. The page's disagreements with the XML are
    added as warnings. With `take_line_items`, the XML's line items (the whole
    document's) replace the page's, marked by source["line_items"] = "embedded_xml".
    An XML that describes another invoice is not applied; a warning says so.
    """
    if describes_another_invoice(embedded, page):
        warning = (
            f"The embedded e-invoice describes another invoice (number "
            f"{_show('invoice_number', embedded.fields.invoice_number)}); "
            "it was ignored and the page was read instead."
        )
        return page.model_copy(update={"warnings": [*page.warnings, warning]})
    found = embedded.found()
    source: dict[str, FieldSource] = page.source | dict.fromkeys(found, "embedded_xml")
    update: dict[str, object] = {
        **found,
        "warnings": [*page.warnings, *cross_check(embedded, page)],
        "confidence": page.confidence | dict.fromkeys(found, EMBEDDED_CONFIDENCE),
    }
    if take_line_items and embedded.line_items:
        update["line_items"] = list(embedded.line_items)
        source["line_items"] = "embedded_xml"
    return PageExtraction.model_validate(page.model_dump() | update | {"source": source})
