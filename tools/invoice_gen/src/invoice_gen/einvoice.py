"""Embedded e-invoices: the generator's ground truth as CII or UBL XML, attached to a PDF.

`attach_einvoice(pdf, truth)` returns the same visible invoice carrying an e-invoice:

- "factur-x": CII XML (EN 16931 profile) as factur-x.xml, packaged by the `factur-x`
  library, the reference implementation of the format. It checks the XML against the
  official XSD and writes the PDF/A-3 parts (associated file, XMP metadata) the way
  real Factur-X/ZUGFeRD 2 invoices carry them.
- "zugferd": the same CII XML as a plain attachment named zugferd-invoice.xml (the
  ZUGFeRD 2.0 name; no /AF entry), so readers are tested on a second layout.
- "xrechnung": UBL 2.1 XML (XRechnung customization) attached as xrechnung.xml.

The XML is written here with ElementTree rather than with factur-x's XML generator:
its input is a large dictionary of EN 16931 business terms, and `disagree` needs to
put values into the XML that contradict the rest of the document.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import facturx  # type: ignore[import-untyped]
from pypdf import PdfReader, PdfWriter

from invoice_shared.models import InvoiceFields, LineItem

FLAVORS = ("factur-x", "zugferd", "xrechnung")
ATTACHMENT_NAMES = {
    "factur-x": "factur-x.xml",
    "zugferd": "zugferd-invoice.xml",
    "xrechnung": "xrechnung.xml",
}

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

EN16931 = "urn:cen.eu:en16931:2017"
XRECHNUNG = f"{EN16931}#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL_BILLING = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
COMMERCIAL_INVOICE = "380"  # UNTDID 1001
ONE_UNIT = "C62"  # UN/ECE Recommendation 20: "one"

# Prefixes only make the XML readable; readers go by namespace URI.
for _prefix, _uri in (
    ("rsm", RSM),
    ("ram", RAM),
    ("udt", UDT),
    ("ubl", UBL_INVOICE),
    ("cac", CAC),
    ("cbc", CBC),
):
    ET.register_namespace(_prefix, _uri)


def _el(parent: ET.Element, ns: str, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    child = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    child.text = text
    return child


def _serialize(root: ET.Element) -> bytes:
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _units(item: LineItem) -> Decimal:
    # Both standards require a quantity and a price: a line priced by its amount alone
    # is one unit at that amount.
    return item.quantity if item.quantity is not None else Decimal(1)


def _unit_price(item: LineItem) -> Decimal:
    return item.unit_price if item.unit_price is not None else item.amount


def _quantity(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _tax_rate(fields: InvoiceFields) -> Decimal:
    # The truth has no rate; tax / subtotal recovers it to the cent of a percent.
    if not fields.subtotal or fields.tax is None:
        return Decimal("0.00")
    return (fields.tax / fields.subtotal * 100).quantize(Decimal("0.01"))


def _category(rate: Decimal) -> str:
    return "S" if rate else "Z"  # UNTDID 5305: standard rate, zero rated


def read_truth(
    truth: Mapping[str, Any], disagree: Mapping[str, Any] | None = None
) -> tuple[InvoiceFields, list[LineItem]]:
    """The header fields and line items of a truth dict (as in data/*.json), with
    `disagree` overriding header fields."""
    unknown = set(disagree or {}) - set(InvoiceFields.model_fields)
    if unknown:
        raise ValueError(f"disagree names fields that do not exist: {sorted(unknown)}")
    header = {k: truth[k] for k in InvoiceFields.model_fields if k in truth}
    fields = InvoiceFields.model_validate(header | dict(disagree or {}))
    items = [LineItem.model_validate(item) for item in truth.get("line_items", [])]
    if fields.invoice_number is None or fields.invoice_date is None or fields.currency is None:
        raise ValueError("an e-invoice needs invoice_number, invoice_date and currency")
    return fields, items


def cii_xml(truth: Mapping[str, Any], disagree: Mapping[str, Any] | None = None) -> bytes:
    """UN/CEFACT CII XML (Factur-X / ZUGFeRD, EN 16931 profile) of the truth."""
    fields, items = read_truth(truth, disagree)
    assert fields.invoice_date is not None and fields.currency is not None
    rate, currency = _tax_rate(fields), fields.currency
    root = ET.Element(f"{{{RSM}}}CrossIndustryInvoice")
    context = _el(root, RSM, "ExchangedDocumentContext")
    _el(_el(context, RAM, "GuidelineSpecifiedDocumentContextParameter"), RAM, "ID", EN16931)
    document = _el(root, RSM, "ExchangedDocument")
    _el(document, RAM, "ID", fields.invoice_number)
    _el(document, RAM, "TypeCode", COMMERCIAL_INVOICE)
    issued = _el(document, RAM, "IssueDateTime")
    _el(issued, UDT, "DateTimeString", fields.invoice_date.strftime("%Y%m%d"), format="102")
    transaction = _el(root, RSM, "SupplyChainTradeTransaction")
    for number, item in enumerate(items, start=1):
        line = _el(transaction, RAM, "IncludedSupplyChainTradeLineItem")
        _el(_el(line, RAM, "AssociatedDocumentLineDocument"), RAM, "LineID", str(number))
        _el(_el(line, RAM, "SpecifiedTradeProduct"), RAM, "Name", item.description)
        price = _el(_el(line, RAM, "SpecifiedLineTradeAgreement"), RAM, "NetPriceProductTradePrice")
        _el(price, RAM, "ChargeAmount", _money(_unit_price(item)))
        delivery = _el(line, RAM, "SpecifiedLineTradeDelivery")
        _el(delivery, RAM, "BilledQuantity", _quantity(_units(item)), unitCode=ONE_UNIT)
        settlement = _el(line, RAM, "SpecifiedLineTradeSettlement")
        _cii_tax(_el(settlement, RAM, "ApplicableTradeTax"), rate)
        summation = _el(settlement, RAM, "SpecifiedTradeSettlementLineMonetarySummation")
        _el(summation, RAM, "LineTotalAmount", _money(item.amount))
    agreement = _el(transaction, RAM, "ApplicableHeaderTradeAgreement")
    _el(_el(agreement, RAM, "SellerTradeParty"), RAM, "Name", fields.vendor_name or "")
    _el(_el(agreement, RAM, "BuyerTradeParty"), RAM, "Name", fields.customer_name or "")
    _el(transaction, RAM, "ApplicableHeaderTradeDelivery")
    settlement = _el(transaction, RAM, "ApplicableHeaderTradeSettlement")
    _el(settlement, RAM, "InvoiceCurrencyCode", currency)
    tax = _el(settlement, RAM, "ApplicableTradeTax")
    _cii_tax(tax, rate, calculated=fields.tax, basis=fields.subtotal)
    if fields.due_date is not None:
        due = _el(_el(settlement, RAM, "SpecifiedTradePaymentTerms"), RAM, "DueDateDateTime")
        _el(due, UDT, "DateTimeString", fields.due_date.strftime("%Y%m%d"), format="102")
    sums = _el(settlement, RAM, "SpecifiedTradeSettlementHeaderMonetarySummation")
    for tag, value, attrs in (
        ("LineTotalAmount", fields.subtotal, {}),
        ("TaxBasisTotalAmount", fields.subtotal, {}),
        ("TaxTotalAmount", fields.tax, {"currencyID": currency}),
        ("GrandTotalAmount", fields.total, {}),
        ("DuePayableAmount", fields.total, {}),
    ):
        if value is not None:
            _el(sums, RAM, tag, _money(value), **attrs)
    return _serialize(root)


def _cii_tax(
    tax: ET.Element,
    rate: Decimal,
    *,
    calculated: Decimal | None = None,
    basis: Decimal | None = None,
) -> None:
    # Element order is fixed by the XSD: amount, type, basis, category, rate.
    if calculated is not None:
        _el(tax, RAM, "CalculatedAmount", _money(calculated))
    _el(tax, RAM, "TypeCode", "VAT")
    if basis is not None:
        _el(tax, RAM, "BasisAmount", _money(basis))
    _el(tax, RAM, "CategoryCode", _category(rate))
    _el(tax, RAM, "RateApplicablePercent", _money(rate))


def ubl_xml(truth: Mapping[str, Any], disagree: Mapping[str, Any] | None = None) -> bytes:
    """UBL 2.1 Invoice XML (XRechnung customization) of the truth."""
    fields, items = read_truth(truth, disagree)
    assert fields.invoice_date is not None and fields.currency is not None
    rate, currency = _tax_rate(fields), fields.currency
    root = ET.Element(f"{{{UBL_INVOICE}}}Invoice")
    _el(root, CBC, "CustomizationID", XRECHNUNG)
    _el(root, CBC, "ProfileID", PEPPOL_BILLING)
    _el(root, CBC, "ID", fields.invoice_number)
    _el(root, CBC, "IssueDate", fields.invoice_date.isoformat())
    if fields.due_date is not None:
        _el(root, CBC, "DueDate", fields.due_date.isoformat())
    _el(root, CBC, "InvoiceTypeCode", COMMERCIAL_INVOICE)
    _el(root, CBC, "DocumentCurrencyCode", currency)
    for role, name in (
        ("AccountingSupplierParty", fields.vendor_name),
        ("AccountingCustomerParty", fields.customer_name),
    ):
        party = _el(_el(root, CAC, role), CAC, "Party")
        _el(_el(party, CAC, "PartyName"), CBC, "Name", name or "")
        _el(_el(party, CAC, "PartyLegalEntity"), CBC, "RegistrationName", name or "")
    if fields.tax is not None:
        total_tax = _el(root, CAC, "TaxTotal")
        _el(total_tax, CBC, "TaxAmount", _money(fields.tax), currencyID=currency)
        subtotal = _el(total_tax, CAC, "TaxSubtotal")
        if fields.subtotal is not None:
            _el(subtotal, CBC, "TaxableAmount", _money(fields.subtotal), currencyID=currency)
        _el(subtotal, CBC, "TaxAmount", _money(fields.tax), currencyID=currency)
        _ubl_tax_category(_el(subtotal, CAC, "TaxCategory"), rate)
    sums = _el(root, CAC, "LegalMonetaryTotal")
    for tag, value in (
        ("LineExtensionAmount", fields.subtotal),
        ("TaxExclusiveAmount", fields.subtotal),
        ("TaxInclusiveAmount", fields.total),
        ("PayableAmount", fields.total),
    ):
        if value is not None:
            _el(sums, CBC, tag, _money(value), currencyID=currency)
    for number, item in enumerate(items, start=1):
        line = _el(root, CAC, "InvoiceLine")
        _el(line, CBC, "ID", str(number))
        _el(line, CBC, "InvoicedQuantity", _quantity(_units(item)), unitCode=ONE_UNIT)
        _el(line, CBC, "LineExtensionAmount", _money(item.amount), currencyID=currency)
        product = _el(line, CAC, "Item")
        _el(product, CBC, "Name", item.description)
        _ubl_tax_category(_el(product, CAC, "ClassifiedTaxCategory"), rate)
        price = _el(line, CAC, "Price")
        _el(price, CBC, "PriceAmount", _money(_unit_price(item)), currencyID=currency)
    return _serialize(root)


def _ubl_tax_category(category: ET.Element, rate: Decimal) -> None:
    _el(category, CBC, "ID", _category(rate))
    _el(category, CBC, "Percent", _money(rate))
    _el(_el(category, CAC, "TaxScheme"), CBC, "ID", "VAT")


def _attach(pdf: bytes, name: str, xml: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_attachment(name, xml)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def attach_einvoice(
    pdf: bytes,
    truth: Mapping[str, Any],
    *,
    flavor: str = "factur-x",
    disagree: Mapping[str, Any] | None = None,
) -> bytes:
    """`pdf` with an e-invoice of `truth` attached; see the module doc for the flavors.

    `truth` is a ground-truth dict (`GeneratedInvoice.truth.model_dump(mode="json")`
    or data/*.json). `disagree` overrides header fields in the XML only, e.g.
    {"total": 999.99}, for an e-invoice that contradicts its page.
    """
    if flavor == "xrechnung":
        return _attach(pdf, ATTACHMENT_NAMES[flavor], ubl_xml(truth, disagree))
    if flavor == "zugferd":
        return _attach(pdf, ATTACHMENT_NAMES[flavor], cii_xml(truth, disagree))
    if flavor == "factur-x":
        result = facturx.generate_from_binary(
            pdf, cii_xml(truth, disagree), flavor="factur-x", level="en16931", check_xsd=True
        )
        assert isinstance(result, bytes)
        return result
    raise ValueError(f"flavor must be one of {', '.join(FLAVORS)}, not {flavor!r}")
