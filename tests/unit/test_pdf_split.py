"""Splitting real PDFs into single pages."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter

from invoice_gen import generate_invoice
from invoice_shared.web import ServiceError
from split_service.pdf_split import open_pdf, split_pages


def test_each_page_becomes_a_one_page_pdf_with_its_metadata():
    pdf = generate_invoice(seed=3, pages=3).pdf
    pages = list(split_pages(open_pdf(pdf, max_pages=10)))
    assert [p.page_number for p in pages] == [1, 2, 3]
    for page in pages:
        assert len(PdfReader(io.BytesIO(page.pdf)).pages) == 1
        assert page.has_text_layer
        assert page.width_pt > 0 and page.height_pt > 0
        assert page.rotation == 0


def test_a_page_without_fonts_has_no_text_layer():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    (page,) = split_pages(open_pdf(buffer.getvalue(), max_pages=10))
    assert not page.has_text_layer


def _encrypted(password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(generate_invoice(seed=1, pages=1).pdf))
    writer.encrypt(user_password=password, owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "unreadable_pdf"),
        (b"%PDF-1.4\ngarbage garbage", "unreadable_pdf"),
    ],
)
def test_broken_pdfs_are_a_422_naming_the_problem(data: bytes, error: str):
    with pytest.raises(ServiceError) as raised:
        open_pdf(data, max_pages=10)
    assert (raised.value.status_code, raised.value.error) in {(422, error), (422, "no_pages")}


def test_a_pdf_that_needs_a_password_is_refused():
    with pytest.raises(ServiceError) as raised:
        open_pdf(_encrypted("secret"), max_pages=10)
    assert raised.value.error == "encrypted_pdf"
    assert "needs a password" in raised.value.message


def test_a_pdf_encrypted_only_against_editing_is_split_into_plain_pages():
    """Invoices are often encrypted with an empty user password to restrict printing or
    editing: they open without a password, and their pages are written unencrypted."""
    pages = list(split_pages(open_pdf(_encrypted(""), max_pages=10)))
    assert pages and all(not PdfReader(io.BytesIO(p.pdf)).is_encrypted for p in pages)
    assert "INVOICE" in PdfReader(io.BytesIO(pages[0].pdf)).pages[0].extract_text().upper()


def test_more_pages_than_the_limit_are_refused():
    with pytest.raises(ServiceError, match="limit is 2"):
        open_pdf(generate_invoice(seed=2, pages=3).pdf, max_pages=2)
