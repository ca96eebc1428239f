"""English invoices (United States, United Kingdom, Ireland)."""

from __future__ import annotations

from invoice_gen.languages.base import Language
from invoice_gen.vocab import CATALOG, CUSTOMERS, VENDORS
from invoice_gen.wording import Wording

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTHS_ABBR = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip

ENGLISH = Language(
    code="en",
    titles=("INVOICE", "Invoice", "TAX INVOICE", "Sales Invoice"),
    number_labels=("Invoice No.", "Invoice #", "Invoice Number", "Inv. No.", "Invoice Ref."),
    date_labels=("Invoice Date", "Date", "Issue Date", "Date of Issue", "Dated"),
    due_labels=("Due Date", "Payment Due", "Due", "Pay By", "Due By"),
    customer_labels=("Bill To", "Billed To", "Customer", "Invoice To", "Sold To"),
    vendor_labels=("From", "Supplier", "Seller"),
    ship_to_labels=("Ship To", "Deliver To", "Delivery Address"),
    subtotal_labels=("Subtotal", "Sub-total", "Net Total", "Net Amount", "Total before tax"),
    total_labels=(
        "Total",
        "Total Due",
        "Amount Due",
        "Grand Total",
        "Balance Due",
        "Invoice Total",
    ),
    tax_labels=("{name} ({rate}%)", "{name} {rate}%", "{name} @ {rate}%", "{name} ({rate}%)"),
    currency_labels=("Currency",),
    po_labels=("PO Number", "Purchase Order", "Your Ref."),
    columns={
        "pos": ("#", "No.", "Line"),
        "code": ("Item No.", "SKU", "Code", "Part No."),
        "desc": ("Description", "Details", "Product / Service", "Item Description"),
        "qty": ("Qty", "Quantity", "Units", "Hrs/Qty"),
        "price": ("Unit Price", "Price", "Rate", "Unit Cost"),
        "amount": ("Amount", "Total", "Line Total", "Net Amount"),
    },
    wording=Wording(),
    months=MONTHS,
    months_abbr=MONTHS_ABBR,
    long_date="{day} {month} {year}",
    abbr_date="{day} {month} {year}",
    long_date_month_first="{month} {day}, {year}",
    abbr_date_month_first="{month} {day}, {year}",
    terms=("Payment terms: Net {days}", "Payment due within {days} days of the invoice date."),
    due_on_receipt="Payment terms: Due on receipt",
    bank="Bank: {bank}, {account}",
    closing_notes=(
        "Thank you for your business!",
        "Please quote the invoice number with your payment.",
        "Payment by bank transfer only.",
    ),
    vendors=VENDORS,
    customers=CUSTOMERS,
    items={entry.description: entry.description for entry in CATALOG},
    details=(
        "including delivery and installation on site",
        "as agreed in quotation Q-{n}",
        "for the purchasing department, second floor",
        "with the manufacturer's standard warranty of 24 months",
        "serial numbers as listed on delivery note DN-{n}",
        "billed under the framework agreement",
    ),
    month_item="{description} - {month} {year}",
    dock="Receiving Dock {n}",
    number_shapes=("INV-{year}-{n4}", "INV{n5}", "{year}-{n4}", "SI-{n5}"),
    currency_words={"EUR": "euros", "GBP": "pounds", "USD": "US dollars", "CHF": "Swiss francs"},
)
