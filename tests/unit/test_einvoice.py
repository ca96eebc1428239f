"""Embedded e-invoices: found by the split, read safely, checked against the page."""

from __future__ import annotations

import io
import logging
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import facturx
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NullObject,
    NumberObject,
    TextStringObject,
)

from extract_service.einvoice import (
    EMBEDDED_CONFIDENCE,
    MAX_XML_BYTES,
    EInvoiceError,
    apply_embedded,
    cross_check,
    parse_einvoice,
    read_einvoice,
)
from extract_service.fields import parse_page
from extract_service.pdf_text import page_text
from invoice_gen import generate_invoice
from invoice_gen.einvoice import attach_einvoice, cii_xml, ubl_xml
from invoice_shared.artifacts import ArtifactStore, blob_key, einvoice_key, sha256_hex
from invoice_shared.models import InvoiceFields, PageExtraction, SplitResult, UploadResult
from split_service.config import Settings
from split_service.einvoice import invoice_root
from split_service.split import split_pdf

CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
CII_OPEN = f'<x:CrossIndustryInvoice xmlns:x="{CII_NS}">'.encode()


@cache
def _invoice(seed: int, pages: int) -> tuple[bytes, dict[str, Any]]:
    generated = generate_invoice(seed=seed, pages=pages)
    return generated.pdf, generated.truth.model_dump(mode="json")


def _split(pdf: bytes, tmp_path: Path, **settings: Any) -> tuple[SplitResult, ArtifactStore]:
    store = ArtifactStore(tmp_path)
    sha = sha256_hex(pdf)
    store.put_bytes(blob_key(sha), pdf)
    upload = UploadResult(
        invoice_id="einv-1", source="t.pdf", blob_key=blob_key(sha), sha256=sha, size_bytes=len(pdf)
    )
    return split_pdf(upload, Settings(artifact_dir=tmp_path, **settings)), store


def _with_attachment(pdf: bytes, name: str, data: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_attachment(name, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _fields(truth: dict[str, Any], **changes: Any) -> InvoiceFields:
    return InvoiceFields.model_validate({k: truth[k] for k in InvoiceFields.model_fields} | changes)


# --- the generator ----------------------------------------------------------------------


def test_the_generated_xml_is_valid_against_the_official_schemas():
    _, truth = _invoice(4, 2)
    assert facturx.xml_check_xsd(cii_xml(truth), flavor="factur-x", level="en16931")
    assert facturx.xml_check_xsd(ubl_xml(truth), flavor="ubl-2.1-invoice")


@pytest.mark.parametrize("flavor", ["factur-x", "zugferd", "xrechnung"])
def test_attaching_keeps_the_visible_invoice(flavor: str):
    pdf, truth = _invoice(4, 2)
    hybrid = PdfReader(io.BytesIO(attach_einvoice(pdf, truth, flavor=flavor)))
    plain = PdfReader(io.BytesIO(pdf))
    assert len(hybrid.pages) == len(plain.pages) == 2
    for mine, theirs in zip(hybrid.pages, plain.pages, strict=True):
        assert mine.extract_text() == theirs.extract_text()
    assert len(list(hybrid.attachment_list)) == 1


def test_the_generator_refuses_what_it_cannot_build():
    pdf, truth = _invoice(4, 1)
    with pytest.raises(ValueError, match="flavor"):
        attach_einvoice(pdf, truth, flavor="edifact")
    with pytest.raises(ValueError, match="totl"):
        attach_einvoice(pdf, truth, disagree={"totl": 1})


# --- the split service ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flavor", "root"),
    [
        ("factur-x", f"{CII_NS} CrossIndustryInvoice"),
        ("zugferd", f"{CII_NS} CrossIndustryInvoice"),
        ("xrechnung", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2 Invoice"),
    ],
)
def test_split_stores_the_einvoice_on_page_one_only(flavor: str, root: str, tmp_path: Path):
    pdf, truth = _invoice(9, 3)
    hybrid = attach_einvoice(pdf, truth, flavor=flavor)
    result, store = _split(hybrid, tmp_path)
    key = einvoice_key(sha256_hex(hybrid))
    assert [p.embedded_invoice_key for p in result.pages] == [key, None, None]
    stored = store.read_bytes(key)
    assert invoice_root(stored) == root
    assert stored == (ubl_xml(truth) if flavor == "xrechnung" else cii_xml(truth))
    # The single-page PDFs do not drag the attachment along.
    for page in result.pages:
        assert not list(PdfReader(io.BytesIO(store.read_bytes(page.blob_key))).attachment_list)


def test_pdfs_without_attachments_split_as_before(tmp_path: Path):
    pdf, _ = _invoice(9, 3)
    result, _ = _split(pdf, tmp_path)
    assert [p.page_number for p in result.pages] == [1, 2, 3]
    assert all(p.embedded_invoice_key is None for p in result.pages)
    assert not (tmp_path / "einvoices").exists()


def test_an_einvoice_listed_only_as_an_associated_file_is_found(tmp_path: Path):
    pdf, truth = _invoice(9, 1)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(attach_einvoice(pdf, truth))))
    del writer.root_object["/Names"]  # leaves the PDF/A-3 /AF array only
    out = io.BytesIO()
    writer.write(out)
    result, store = _split(out.getvalue(), tmp_path)
    assert result.pages[0].embedded_invoice_key is not None
    assert store.read_bytes(result.pages[0].embedded_invoice_key) == cii_xml(truth)


def test_other_xml_attachments_count_only_with_an_invoice_root(tmp_path: Path):
    pdf, truth = _invoice(9, 1)
    decoy = _with_attachment(pdf, "factur-x.xml", b"<order/>")
    decoy = _with_attachment(decoy, "notes.xml", b"<notes>hello</notes>")
    result, _ = _split(decoy, tmp_path / "decoy")
    assert result.pages[0].embedded_invoice_key is None
    found = _with_attachment(decoy, "Rechnung 2024.XML", ubl_xml(truth))
    result, store = _split(found, tmp_path / "found")
    assert result.pages[0].embedded_invoice_key is not None
    assert store.read_bytes(result.pages[0].embedded_invoice_key) == ubl_xml(truth)


@pytest.mark.parametrize(
    ("flavor", "said"),
    [("factur-x", "declares"), ("zugferd", "")],  # with and without a declared /Size
)
def test_an_oversized_einvoice_is_ignored_with_a_log_line(
    flavor: str, said: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    pdf, truth = _invoice(9, 2)
    hybrid = attach_einvoice(pdf, truth, flavor=flavor)
    size = len(cii_xml(truth))
    with caplog.at_level(logging.INFO, logger="split_service"):
        result, _ = _split(hybrid, tmp_path, max_einvoice_bytes=size - 1)
    assert [p.page_number for p in result.pages] == [1, 2]
    assert result.pages[0].embedded_invoice_key is None
    assert f"{said} {size} bytes, more than the {size - 1} bytes allowed" in caplog.text
    assert not (tmp_path / "einvoices").exists()


def test_a_compression_bomb_with_a_lying_size_is_stopped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    pdf, _ = _invoice(9, 1)
    bomb = CII_OPEN + b" " * 8_000_000
    packed = facturx.generate_from_binary(
        pdf, bomb, flavor="factur-x", level="en16931", check_xsd=False, pdf_metadata={}
    )
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(packed)))
    stream = writer.root_object["/AF"][0].get_object()["/EF"]["/F"].get_object()
    stream["/Params"][NameObject("/Size")] = NumberObject(100)
    out = io.BytesIO()
    writer.write(out)
    assert len(out.getvalue()) < 100_000  # the 8 MB really are compressed away
    with caplog.at_level(logging.INFO, logger="split_service"):
        result, _ = _split(out.getvalue(), tmp_path, max_einvoice_bytes=MAX_XML_BYTES)
    assert result.pages[0].embedded_invoice_key is None
    assert f"decodes to more than the {MAX_XML_BYTES} bytes allowed" in caplog.text


def test_broken_attachment_entries_do_not_stop_the_split(tmp_path: Path):
    pdf, truth = _invoice(9, 2)
    hybrid = _with_attachment(attach_einvoice(pdf, truth, flavor="zugferd"), "a.xml", b"<")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(hybrid)))
    # An /AF array of junk: not file specifications, or one without its file.
    no_stream = DictionaryObject({NameObject("/F"): TextStringObject("factur-x.xml")})
    writer.root_object[NameObject("/AF")] = ArrayObject([NumberObject(7), NullObject(), no_stream])
    out = io.BytesIO()
    writer.write(out)
    result, store = _split(out.getvalue(), tmp_path)
    assert [p.page_number for p in result.pages] == [1, 2]
    assert result.pages[0].embedded_invoice_key is not None
    assert store.read_bytes(result.pages[0].embedded_invoice_key) == cii_xml(truth)


def test_the_split_does_not_keep_xml_with_a_doctype(tmp_path: Path):
    pdf, truth = _invoice(9, 1)
    xml = cii_xml(truth).replace(b"?>", b'?><!DOCTYPE x SYSTEM "http://example.invalid/x">', 1)
    result, _ = _split(_with_attachment(pdf, "factur-x.xml", xml), tmp_path)
    assert result.pages[0].embedded_invoice_key is None


# --- reading the XML --------------------------------------------------------------------


@pytest.mark.parametrize("build", [cii_xml, ubl_xml], ids=["cii", "ubl"])
@pytest.mark.parametrize(("seed", "pages"), [(4, 1), (11, 3), (21, 2)])
def test_the_reader_returns_the_truth(build: Any, seed: int, pages: int):
    _, truth = _invoice(seed, pages)
    embedded = parse_einvoice(build(truth))
    assert embedded.syntax == ("CII" if build is cii_xml else "UBL")
    assert embedded.type_code == "380"
    assert embedded.fields == _fields(truth)
    assert [item.model_dump(mode="json") for item in embedded.line_items] == truth["line_items"]
    assert embedded.skipped_lines == 0


def test_the_reader_reads_ubl_credit_notes():
    _, truth = _invoice(11, 2)
    xml = ubl_xml(truth)
    for old, new in (
        (b"Invoice-2", b"CreditNote-2"),
        (b"<ubl:Invoice ", b"<ubl:CreditNote "),
        (b"</ubl:Invoice>", b"</ubl:CreditNote>"),
        (b"InvoiceLine>", b"CreditNoteLine>"),
        (b"InvoicedQuantity", b"CreditedQuantity"),
        (
            b"<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>",
            b"<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>",
        ),
    ):
        assert old in xml
        xml = xml.replace(old, new)
    embedded = parse_einvoice(xml)
    assert (embedded.syntax, embedded.type_code) == ("UBL", "381")
    assert embedded.fields == _fields(truth)
    assert [item.model_dump(mode="json") for item in embedded.line_items] == truth["line_items"]


def test_the_reader_takes_the_amounts_in_the_invoice_currency():
    _, truth = _invoice(4, 1)
    xml = cii_xml(truth).replace(
        b"<ram:TaxTotalAmount ",
        b'<ram:TaxTotalAmount currencyID="XXX">1.00</ram:TaxTotalAmount><ram:TaxTotalAmount ',
    )
    assert parse_einvoice(xml).fields.tax == Decimal(str(truth["tax"]))


def test_a_line_with_an_absurd_price_basis_is_skipped_not_fatal():
    _, truth = _invoice(4, 1)
    # 99 999 999 per 0.0000000001 units is 10^18 a unit: more than any Money.
    xml = re.sub(
        rb"<ram:ChargeAmount>[^<]*</ram:ChargeAmount>",
        b"<ram:ChargeAmount>99999999</ram:ChargeAmount>"
        b"<ram:BasisQuantity>0.0000000001</ram:BasisQuantity>",
        cii_xml(truth),
        count=1,
    )
    embedded = parse_einvoice(xml)
    assert embedded.skipped_lines == 1
    assert len(embedded.line_items) == len(truth["line_items"]) - 1


def _with_price_basis(xml: bytes, line: int, basis: str, price: str | None = None) -> bytes:
    """The UBL line number `line` (from 1) quoting its price per `basis` units."""
    head, *lines = xml.split(b"<cac:InvoiceLine>")
    priced = re.sub(
        rb"(<cbc:PriceAmount [^>]*>)([^<]*)(</cbc:PriceAmount>)",
        lambda m: (
            m.group(1)
            + (price.encode() if price else m.group(2))
            + m.group(3)
            + f"<cbc:BaseQuantity>{basis}</cbc:BaseQuantity>".encode()
        ),
        lines[line - 1],
        count=1,
    )
    lines[line - 1] = priced
    return b"<cac:InvoiceLine>".join([head, *lines])


def test_a_price_per_basis_quantity_is_divided_when_the_line_says_so():
    _, truth = _invoice(4, 1)
    item = truth["line_items"][1]  # 3 x 425.50 = 1276.50
    per_hundred = f"{Decimal(str(item['unit_price'])) * 100:.2f}"
    xml = _with_price_basis(ubl_xml(truth), 2, "100", per_hundred)
    read = parse_einvoice(xml).line_items[1]
    assert read.unit_price == Decimal(str(item["unit_price"]))
    assert read.amount == Decimal(str(item["amount"]))


def test_a_basis_that_repeats_the_quantity_keeps_the_unit_price():
    # Some ERPs write the line's quantity as the price's basis while quoting the price
    # per unit: 3 x 425.50 = 1276.50 with a basis of 3. Dividing would give 141.83.
    _, truth = _invoice(4, 1)
    item = truth["line_items"][1]
    xml = _with_price_basis(ubl_xml(truth), 2, f"{item['quantity']:g}")
    assert parse_einvoice(xml).line_items[1].unit_price == Decimal(str(item["unit_price"]))


def test_a_line_of_nothing_is_a_section_heading_not_an_item():
    _, truth = _invoice(4, 1)
    section = (
        b"<cac:InvoiceLine><cbc:ID>0</cbc:ID><cbc:InvoicedQuantity>0.00</cbc:InvoicedQuantity>"
        b'<cbc:LineExtensionAmount currencyID="CAD">0.00</cbc:LineExtensionAmount>'
        b"<cac:Item><cbc:Name>--- Hardware ---</cbc:Name></cac:Item><cac:Price>"
        b'<cbc:PriceAmount currencyID="CAD">0.00</cbc:PriceAmount></cac:Price></cac:InvoiceLine>'
    )
    xml = ubl_xml(truth).replace(b"<cac:InvoiceLine>", section + b"<cac:InvoiceLine>", 1)
    embedded = parse_einvoice(xml)
    assert [item.model_dump(mode="json") for item in embedded.line_items] == truth["line_items"]
    assert embedded.skipped_lines == 0


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Herrn Max Mustermann", "Max Mustermann"),
        ("Mme Claire Dubois", "Claire Dubois"),
        ("Dr. Oetker GmbH", "Dr. Oetker GmbH"),  # a company keeps its name, title and all
    ],
)
def test_party_names_lose_a_persons_title_as_on_the_page(written: str, read: str):
    _, truth = _invoice(4, 1)
    xml = cii_xml(truth | {"customer_name": written})
    assert parse_einvoice(xml).fields.customer_name == read


def test_malformed_values_are_left_out_not_fatal():
    _, truth = _invoice(4, 1)
    xml = (
        cii_xml(truth)
        .replace(f">{truth['total']:.2f}<".encode(), b">1e999<")
        .replace(truth["invoice_date"].replace("-", "").encode(), b"20241399")
        .replace(f">{truth['currency']}<".encode(), b">euro<")
    )
    embedded = parse_einvoice(xml)
    assert embedded.fields.total is None
    assert embedded.fields.invoice_date is None
    assert embedded.fields.currency is None
    assert embedded.fields.invoice_number == truth["invoice_number"]


ZUGFERD_1 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
 <rsm:HeaderExchangedDocument>
  <ram:ID>RE-2014-7</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime>
   <udt:DateTimeString format="102">20140312</udt:DateTimeString>
  </ram:IssueDateTime>
 </rsm:HeaderExchangedDocument>
 <rsm:SpecifiedSupplyChainTradeTransaction>
  <ram:ApplicableSupplyChainTradeAgreement>
   <ram:SellerTradeParty><ram:Name>Werkzeug Nord GmbH</ram:Name></ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>Baustoffe Sued KG</ram:Name></ram:BuyerTradeParty>
  </ram:ApplicableSupplyChainTradeAgreement>
  <ram:ApplicableSupplyChainTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime>
    <udt:DateTimeString format="102">20140411</udt:DateTimeString>
   </ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
   <ram:SpecifiedTradeSettlementMonetarySummation>
    <ram:LineTotalAmount currencyID="EUR">30.00</ram:LineTotalAmount>
    <ram:TaxBasisTotalAmount currencyID="EUR">30.00</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="EUR">5.70</ram:TaxTotalAmount>
    <ram:GrandTotalAmount currencyID="EUR">35.70</ram:GrandTotalAmount>
   </ram:SpecifiedTradeSettlementMonetarySummation>
  </ram:ApplicableSupplyChainTradeSettlement>
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:AssociatedDocumentLineDocument><ram:IncludedNote>
    <ram:Content>Delivery before Christmas guaranteed.</ram:Content>
   </ram:IncludedNote></ram:AssociatedDocumentLineDocument>
  </ram:IncludedSupplyChainTradeLineItem>
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:SpecifiedSupplyChainTradeAgreement><ram:NetPriceProductTradePrice>
    <ram:ChargeAmount currencyID="EUR">1.5000</ram:ChargeAmount>
   </ram:NetPriceProductTradePrice></ram:SpecifiedSupplyChainTradeAgreement>
   <ram:SpecifiedSupplyChainTradeDelivery>
    <ram:BilledQuantity unitCode="C62">20.0000</ram:BilledQuantity>
   </ram:SpecifiedSupplyChainTradeDelivery>
   <ram:SpecifiedSupplyChainTradeSettlement><ram:SpecifiedTradeSettlementMonetarySummation>
    <ram:LineTotalAmount currencyID="EUR">30.00</ram:LineTotalAmount>
   </ram:SpecifiedTradeSettlementMonetarySummation></ram:SpecifiedSupplyChainTradeSettlement>
   <ram:SpecifiedTradeProduct><ram:Name>Screws 4x40, box</ram:Name></ram:SpecifiedTradeProduct>
  </ram:IncludedSupplyChainTradeLineItem>
 </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:CrossIndustryDocument>"""


def test_the_reader_reads_zugferd_1():
    embedded = parse_einvoice(ZUGFERD_1)
    assert (embedded.syntax, embedded.type_code) == ("CII", "380")
    assert embedded.fields.model_dump(mode="json") == {
        "invoice_number": "RE-2014-7",
        "invoice_date": "2014-03-12",
        "due_date": "2014-04-11",
        "vendor_name": "Werkzeug Nord GmbH",
        "customer_name": "Baustoffe Sued KG",
        "currency": "EUR",
        "subtotal": 30.0,
        "tax": 5.7,
        "total": 35.7,
    }
    # The note-only line is no line item and not an unreadable one either.
    assert [i.model_dump(mode="json") for i in embedded.line_items] == [
        {
            "description": "Screws 4x40, box",
            "quantity": 20.0,
            "unit_price": 1.5,
            "amount": 30.0,
        }
    ]
    assert embedded.skipped_lines == 0


def test_the_split_finds_a_zugferd_1_attachment(tmp_path: Path):
    pdf, _ = _invoice(9, 1)
    result, store = _split(_with_attachment(pdf, "ZUGFeRD-invoice.xml", ZUGFERD_1), tmp_path)
    key = result.pages[0].embedded_invoice_key
    assert key is not None
    assert store.read_bytes(key) == ZUGFERD_1


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rsm:CrossIndustryInvoice xmlns:rsm="%s">&lol3;</rsm:CrossIndustryInvoice>""" % CII_NS.encode()
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&x;</Invoice>"""
PARAMETER = b"""<!DOCTYPE r [<!ENTITY % p SYSTEM "http://example.invalid/p.dtd"> %p;]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>"""
DTD = b"""<!DOCTYPE Invoice SYSTEM "http://example.invalid/invoice.dtd">
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>"""


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        (LAUGHS, "refused"),
        (EXTERNAL, "refused"),
        (PARAMETER, "refused"),
        (DTD, "refused"),
        (CII_OPEN + b" " * MAX_XML_BYTES, "bytes; the limit"),
        (CII_OPEN + b"<a/>" * 500_000, "tags"),
        (b"%PDF-1.7 not xml", "not well-formed"),
        (b"", "not well-formed"),
        (b"\xff\xfe\x00<", "not well-formed"),
        (b"<Invoice><cbc:ID>1</cbc:ID></Invoice>", "not well-formed"),  # unbound prefix
        (b"<html><body>invoice</body></html>", "root element"),
        (b"<Invoice/>", "root element"),  # UBL's name, no namespace
        (f'<x:Invoice xmlns:x="{CII_NS}"/>'.encode(), "root element"),
    ],
    ids=[
        "billion-laughs",
        "external-entity",
        "parameter-entity",
        "dtd",
        "oversize",
        "tag-flood",
        "not-xml",
        "empty",
        "bad-encoding",
        "unbound-prefix",
        "html",
        "no-namespace",
        "wrong-local-name",
    ],
)
def test_hostile_or_foreign_xml_is_refused_cleanly(xml: bytes, reason: str):
    with pytest.raises(EInvoiceError, match=reason):
        parse_einvoice(xml)
    assert read_einvoice(xml) is None
    # The split's sniffer reads only up to the root element: it stores big documents
    # with the right root, and leaves counting their bytes and tags to the reader.
    assert (invoice_root(xml) is None) == (reason not in ("bytes; the limit", "tags"))


def test_deep_nesting_is_survived():
    depth = 100_000
    xml = CII_OPEN + b"<a>" * depth + b"</a>" * depth + b"</x:CrossIndustryInvoice>"
    embedded = parse_einvoice(xml)
    assert embedded.fields == InvoiceFields()
    assert embedded.line_items == ()


# --- the page against the XML -----------------------------------------------------------


def test_an_einvoice_that_disagrees_with_its_page_is_reported():
    pdf, truth = _invoice(4, 1)
    hybrid = attach_einvoice(
        pdf, truth, disagree={"total": Decimal("999.99"), "invoice_number": "X-1"}
    )
    xml = PdfReader(io.BytesIO(hybrid)).attachments["factur-x.xml"][0]
    page = _fields(truth)
    assert cross_check(parse_einvoice(xml), page) == [
        f'The embedded e-invoice says invoice number "X-1" but the page shows '
        f'"{truth["invoice_number"]}".',
        f"The embedded e-invoice says total 999.99 but the page shows {truth['total']:.2f}.",
    ]


def test_an_einvoice_that_matches_its_page_gives_no_warning():
    _, truth = _invoice(11, 3)
    embedded = parse_einvoice(ubl_xml(truth))
    assert cross_check(embedded, _fields(truth)) == []
    # What a page does not show, or shows in another case or with a shorter name, agrees.
    shown = _fields(
        truth, total=None, invoice_number=truth["invoice_number"].lower(), vendor_name=None
    )
    assert cross_check(embedded, shown) == []
    vendor = truth["vendor_name"].rsplit(" ", 1)[0].upper()
    assert cross_check(embedded, _fields(truth, vendor_name=vendor)) == []
    assert cross_check(embedded, _fields(truth, vendor_name="Someone Else")) == [
        f'The embedded e-invoice says vendor name "{truth["vendor_name"]}" '
        'but the page shows "Someone Else".'
    ]


def test_apply_embedded_takes_the_xml_values_and_keeps_the_rest():
    _, truth = _invoice(4, 1)
    embedded = parse_einvoice(cii_xml(truth, disagree={"due_date": None, "total": Decimal("1.00")}))
    page = PageExtraction(
        invoice_id="einv-1",
        page_number=1,
        due_date="2030-01-01",
        total=truth["total"],
        confidence={"due_date": 0.7, "total": 0.8},
        source={"due_date": "text", "total": "text"},
        warnings=["from the page"],
    )
    merged = apply_embedded(page, embedded)
    assert merged.total == Decimal("1.00")
    assert merged.source["total"] == "embedded_xml"
    assert merged.confidence["total"] == EMBEDDED_CONFIDENCE
    assert str(merged.due_date) == "2030-01-01"  # the XML has none: the page's stays
    assert (merged.source["due_date"], merged.confidence["due_date"]) == ("text", 0.7)
    assert merged.invoice_number == truth["invoice_number"]
    assert [i.model_dump(mode="json") for i in merged.line_items] == truth["line_items"]
    assert merged.source["line_items"] == "embedded_xml"
    assert merged.warnings == [
        "from the page",
        f"The embedded e-invoice says total 1.00 but the page shows {truth['total']:.2f}.",
    ]
    assert apply_embedded(page, embedded, take_line_items=False).line_items == []


def test_an_einvoice_of_another_invoice_is_not_applied():
    _, truth = _invoice(4, 1)
    page = PageExtraction.model_validate(
        {"invoice_id": "einv-1", "page_number": 1}
        | _fields(truth).model_dump()
        | {"source": dict.fromkeys(InvoiceFields.model_fields, "text")}
    )
    other = parse_einvoice(
        cii_xml(truth, disagree={"invoice_number": "X-1", "total": Decimal("1.00")})
    )
    kept = apply_embedded(page, other)
    assert kept.model_dump(exclude={"warnings"}) == page.model_dump(exclude={"warnings"})
    assert kept.warnings == [
        'The embedded e-invoice describes another invoice (number "X-1"); '
        "it was ignored and the page was read instead."
    ]
    # One contradicted fact is a disagreement to report, not another document.
    typo = parse_einvoice(cii_xml(truth, disagree={"invoice_number": "X-1"}))
    applied = apply_embedded(page, typo)
    assert applied.invoice_number == "X-1"
    assert applied.source["invoice_number"] == "embedded_xml"


def test_the_whole_path_from_pdf_to_warning(tmp_path: Path):
    """Split a hybrid PDF whose XML disagrees, parse page 1's text, check it against the XML."""
    pdf, truth = _invoice(4, 1)
    hybrid = attach_einvoice(pdf, truth, disagree={"total": Decimal("999.99")})
    result, store = _split(hybrid, tmp_path)
    page = result.pages[0]
    assert page.embedded_invoice_key is not None
    embedded = read_einvoice(store.read_bytes(page.embedded_invoice_key))
    assert embedded is not None
    shown = parse_page(page_text(store.read_bytes(page.blob_key))).fields
    assert shown.total == Decimal(str(truth["total"]))
    assert (
        f"The embedded e-invoice says total 999.99 but the page shows {truth['total']:.2f}."
        in cross_check(embedded, shown)
    )
