"""Invoices in German, French, Dutch, Spanish, Italian and Portuguese, written by hand in
the shape of layout text: labels, month names and number conventions of each language;
totals chosen so they add up; a confidence for every field found."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from extract_service.fields import parse_page
from extract_service.labels import match_label

GERMAN = """\
Müller & Söhne GmbH                                   RECHNUNG
Hauptstraße 5, 80331 München
                                                      Rechnungs-Nr.:    RE-2024-0815
Rechnungsempfänger                                    Rechnungsdatum:   3. März 2024
Beispiel AG                                           Fällig am:        02.04.2024
Musterweg 1                                           Kundennummer:     K-4711

Pos.  Bezeichnung                 Menge      Einzelpreis        Gesamt
1     Wartungsvertrag                 2         1.200,00      2.400,00
2     Fahrtkosten                     1           150,50        150,50

                                          Nettobetrag            2.550,50 €
                                          zzgl. 19 % MwSt.         484,60 €
                                          Gesamtbetrag           3.035,10 €
"""

FRENCH = """\
Boulangerie Dupont SARL
12 rue de la Paix, 75002 Paris                        FACTURE
                                                      N° de facture : F-2024-117
Client :                                              Date de facture : 12 mars 2024
Café du Coin                                          Échéance : 11 avril 2024

Désignation                       Qté        Prix unitaire HT        Montant HT
Croissants (lot de 50)              4                  32,50            130,00
Baguettes tradition                40                   1,20             48,00

                                              Total HT                178,00 €
                                              TVA 5,5 %                 9,79 €
                                              Total TTC               187,79 €
"""

DUTCH = """\
Van der Berg Installatie B.V.                          Factuur
                                                       Factuurnummer   2024-0042
Aan:                                                   Factuurdatum    14 mrt. 2024
Bakkerij De Molen                                      Vervaldatum     13-04-2024

Omschrijving                      Aantal      Prijs         Bedrag
Cv-ketel onderhoud                     1     95,00          95,00

                                    Subtotaal                 95,00
                                    BTW 21%                   19,95
                                    Totaal incl. BTW       € 114,95
"""

SPANISH = """\
Distribuciones García S.L.                            FACTURA
                                                      Número de factura: 2024/A/0031
Cliente: Hostal Las Palmas                            Fecha de emisión: 5 de febrero de 2024
                                                      Fecha de vencimiento: 06/03/2024

Concepto                          Cantidad     Precio      Importe
Aceite de oliva 5 l                     10      28,40       284,00

                                     Base imponible          284,00 €
                                     IVA 10%                  28,40 €
                                     Total factura           312,40 €
"""

ITALIAN = """\
Rossi Forniture S.r.l.                                 FATTURA
                                                       Fattura n. 118/2024
Spett.le                                               Data: 12 settembre 2024
Trattoria da Mario                                     Scadenza: 12/10/2024

Descrizione                        Quantità     Prezzo      Importo
Tovaglie di lino                         6      24,00       144,00

                                       Imponibile              144,00
                                       IVA 22%                  31,68
                                       Totale documento    EUR 175,68
"""

PORTUGUESE = """\
Pereira & Filhos, Lda.                                 FATURA
                                                       Fatura nº FT 2024/77
Cliente: Café Lisboa                                   Data de emissão: 2 de maio de 2024
                                                       Data de vencimento: 01/06/2024

Descrição                          Qtd.       Preço       Total
Café em grão 1 kg                    12       14,50      174,00

                                      Total sem IVA            174,00
                                      IVA 23%                   40,02
                                      Total a pagar        174,00 + 40,02 = 214,02 €
"""

CASES = [
    (GERMAN, "RE-2024-0815", dt.date(2024, 3, 3), dt.date(2024, 4, 2), "2550.50", "484.60",
     "3035.10", "Beispiel AG"),
    (FRENCH, "F-2024-117", dt.date(2024, 3, 12), dt.date(2024, 4, 11), "178.00", "9.79",
     "187.79", "Café du Coin"),
    (DUTCH, "2024-0042", dt.date(2024, 3, 14), dt.date(2024, 4, 13), "95.00", "19.95", "114.95",
     "Bakkerij De Molen"),
    (SPANISH, "2024/A/0031", dt.date(2024, 2, 5), dt.date(2024, 3, 6), "284.00", "28.40",
     "312.40", "Hostal Las Palmas"),
    (ITALIAN, "118/2024", dt.date(2024, 9, 12), dt.date(2024, 10, 12), "144.00", "31.68",
     "175.68", "Trattoria da Mario"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "number", "issued", "due", "subtotal", "tax", "total", "customer"), CASES
)
def test_each_language_gives_its_fields(
    text: str, number: str, issued: dt.date, due: dt.date, subtotal: str, tax: str, total: str,
    customer: str,
) -> None:  # fmt: skip
    parsed = parse_page(text)
    fields = parsed.fields
    assert fields.invoice_number == number
    assert (fields.invoice_date, fields.due_date) == (issued, due)
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal(subtotal),
        Decimal(tax),
        Decimal(total),
    )
    assert fields.customer_name == customer
    assert fields.currency == "EUR"
    # Totals that add up are the surest values on the page.
    assert parsed.confidence["total"] > parsed.confidence.get("vendor_name", 0)


def test_the_vendor_is_the_company_at_the_top_in_any_language() -> None:
    assert parse_page(GERMAN).fields.vendor_name == "Müller & Söhne GmbH"
    assert parse_page(DUTCH).fields.vendor_name == "Van der Berg Installatie B.V."


def test_among_several_amounts_the_ones_that_add_up_are_chosen() -> None:
    # "Total a pagar" shows the sum and its parts: the value that adds up is taken.
    fields = parse_page(PORTUGUESE).fields
    assert (fields.subtotal, fields.tax) == (Decimal("174.00"), Decimal("40.02"))
    assert fields.invoice_date == dt.date(2024, 5, 2)


def test_a_total_that_does_not_add_up_is_kept_but_less_sure() -> None:
    text = GERMAN.replace("3.035,10", "3.135,10")
    parsed = parse_page(text)
    assert parsed.fields.total == Decimal("3135.10")  # never replaced by a computed value
    assert parsed.confidence["total"] <= 0.6


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Total HT", "subtotal"),
        ("Totale IVA", "tax"),
        ("Totaal incl. BTW", "total"),
        ("Totaal excl. BTW", "subtotal"),
        ("zzgl. 19% MwSt.", "tax"),
        ("USt-IdNr.", "other"),
        ("N° TVA intracommunautaire", "other"),
        ("Kundennummer", "other"),
        ("Partita IVA", "other"),
        ("Fecha de vencimiento", "due_date"),
        ("Data di scadenza", "due_date"),
        ("Gesamtbetrag netto", "subtotal"),
        ("Subtotale IVA", "tax"),
        ("Sous-total TVA", "tax"),
        ("Subtotal IVA 12%", "subtotal"),
        ("7% I.G.I.C.", "tax"),  # the Canaries' tax, dotted, its rate first
        ("I.G.I.C. - BASE", "subtotal"),
        ("I.G.I.C. - CUOTA", "tax"),
        ("IVA - Base imponible", "subtotal"),
        ("IMPORTE LIQUIDO", "total"),  # after an income-tax withholding
        ("Líquido a percibir", "total"),
        # A bare date label that words before its colon make another date's.
        ("Fecha de cargo: 11 de octubre de 2024", "other"),
        ("Fecha final del contrato: 27 de diciembre de 2024", "other"),
        ("Date of delivery: 03/04/2024", "other"),
        ("Datum der Rechnung: 3.4.2024", "invoice_date"),
        ("Fecha y Hora: 14/02/2023 - 19:06:59", "invoice_date"),
    ],
)
def test_the_longest_label_wins(text: str, field: str) -> None:
    match = match_label(text)
    assert match is not None and match.field == field, match


def test_a_name_that_starts_with_a_label_word_is_still_a_name() -> None:
    text = """\
Data Systems GmbH                                     Invoice No: 77-1
                                                      Invoice Date: 2024-01-05
Payment terms: Net 30
                                                      Total: EUR 10.00
"""
    fields = parse_page(text).fields
    assert fields.vendor_name == "Data Systems GmbH"
    assert fields.invoice_date == dt.date(2024, 1, 5)
    assert fields.subtotal is None  # "Net 30" is a payment term, not an amount


@pytest.mark.parametrize(
    ("text", "rest", "colon"),
    [
        ("Rechnung #: 67389368", "67389368", True),
        # Words qualifying the label before its colon: the value follows the colon.
        ("NUMERO FATTURA ELETTRONICA VALIDA AI FINI FISCALI:", "", True),
        ("Invoice number for your records: A-17", "A-17", True),
        ("Number : DL1232402DO21075", "DL1232402DO21075", True),
    ],
)
def test_invoice_number_labels(text: str, rest: str, colon: bool) -> None:
    match = match_label(text)
    assert match is not None and match.field == "invoice_number", match
    assert (match.rest, match.colon) == (rest, colon)


@pytest.mark.parametrize("text", ["BILLING DATE", "Bill date:", "Statement Date"])
def test_a_bills_date_labels_the_invoice_date(text: str) -> None:
    match = match_label(text)
    assert match is not None and match.field == "invoice_date", match


def test_a_qualified_number_label_takes_the_value_under_it_and_a_bare_one_leads_its_row() -> None:
    page = """\
FORNITURA:                      DATA FATTURA: 26/01/2026
Energia elettrica               NUMERO FATTURA ELETTRONICA VALIDA AI FINI FISCALI:
                                KE-26-E59593BF-001
"""
    assert parse_page(page).fields.invoice_number == "KE-26-E59593BF-001"
    # "Order   Number: 57" numbers the order; "Number:" first on its row, the invoice.
    order = "Tax Invoice\nOrder   Number: 57\nTotal: 10.00\n"
    assert parse_page(order).fields.invoice_number is None
    assert parse_page("Tax Invoice\nNumber : DL12324\n").fields.invoice_number == "DL12324"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Data di fatturazione", "invoice_date"),
        ("Fecha de facturación", "invoice_date"),
        ("Date de la livraison", "other"),
        ("Data di consegna", "other"),
        ("Datum der Lieferung", "other"),
        ("Shipping date", "other"),
        ("Fecha de la entrega", "other"),
    ],
)
def test_invoicing_and_delivery_dates_are_told_apart(text: str, field: str) -> None:
    match = match_label(text)
    assert match is not None and match.field == field, match


def test_two_labels_joined_by_a_slash_read_the_value_of_the_first() -> None:
    match = match_label("Invoice date/Delivery date")
    assert match is not None and (match.field, match.rest) == ("invoice_date", "")
    page = """\
Fournitures Lebrun SARL                        Date de facture/Date de livraison   14.05.2024
                                               Numéro de facture                   FL-0091
                                               Total à payer                       48,00 €
"""
    assert parse_page(page).fields.invoice_date == dt.date(2024, 5, 14)
    # Over two lines, the second starting with the slash: the value is after the second.
    wrapped = """\
Werkstatt Kranz GmbH                           Rechnungsdatum
                                               /Lieferdatum        3. Juni 2024
                                               Rechnungsnummer     WK-5521
"""
    assert parse_page(wrapped).fields.invoice_date == dt.date(2024, 6, 3)
    numbered = "Harbour Tools Ltd\nInvoice no./Order no.      INV-7781\nTotal: 10.00 EUR\n"
    assert parse_page(numbered).fields.invoice_number == "INV-7781"


def test_a_label_of_ours_second_after_the_slash_reads_its_value() -> None:
    # One value serves both labels; two after the label, a slash between, go in order.
    one = "ACME GmbH\nLieferdatum/Rechnungsdatum:    4. Juni 2014\nGesamt   35,24 EUR\n"
    assert parse_page(one).fields.invoice_date == dt.date(2014, 6, 4)
    two = match_label("Lieferdatum/Rechnungsdatum: 01.06.2014 / 04.06.2014")
    assert two is not None and (two.field, two.rest) == ("invoice_date", "04.06.2014")


@pytest.mark.parametrize(
    "line",
    ["Sold by Harbour Tools", "Vendu par Harbour Tools", "Verkauft von Harbour Tools"],
)
def test_a_sold_by_label_names_the_vendor_without_a_colon(line: str) -> None:
    page = f"""\
                                               Invoice
                                               {line}
                                               Invoice date   2024-02-01
Jane Miller
                                               Total          12.00 EUR
"""
    assert parse_page(page).fields.vendor_name == "Harbour Tools"


def test_a_tax_line_per_rate_adds_up_to_the_tax() -> None:
    page = """\
Suministros Teide S.L.                          Factura Nº: T-2207
                                                Fecha: 05/03/2024
Importe total                                   80,00 €
IGIC reducido 3 %                                1,20 €
IGIC general 7 %                                 2,80 €
Total importe factura                           84,00 €
"""
    fields = parse_page(page).fields
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("80.00"),
        Decimal("4.00"),
        Decimal("84.00"),
    )


def test_dot_leaders_lead_a_longer_label_to_its_amount() -> None:
    page = """\
Suministros Teide S.L.                          Factura Nº: T-2208
CONSUMO .................................................. 40,00 €
IGIC NORMAL .............................................. 2,80 €
TOTAL                                                     42,80 €
"""
    fields = parse_page(page).fields
    assert (fields.tax, fields.total) == (Decimal("2.80"), Decimal("42.80"))


def test_a_total_on_a_page_that_says_no_tax_is_due_is_its_net_too() -> None:
    page = """\
Atelier Brandt                                        Rechnung Nr. AB-311
                                                      Rechnungsdatum: 02.09.2024
Gesamtbetrag                                          420,00 €
Gemäß § 19 UStG wird keine Umsatzsteuer berechnet (Kleinunternehmer).
"""
    fields = parse_page(page).fields
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("420.00"),
        Decimal("0"),
        Decimal("420.00"),
    )
    # Without the statement, nothing says what the net is.
    statement = "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet (Kleinunternehmer).\n"
    plain = parse_page(page.replace(statement, "Tax exempt ID: TX-4471\n")).fields
    assert (plain.subtotal, plain.tax) == (None, None)


def test_a_rent_invoice_names_its_landlord_and_tenant() -> None:
    page = """\
                                                   FACTURA Nº 07-2024
ARRENDADOR:        D. Tomás Pérez Ruiz
                   N.I.F.: 12.345.678-Z
ARRENDATARIO:      Ferretería Insular S.L.
                   C.I.F.: B-12345678
IMPORTE:                    600,00 €
"""
    fields = parse_page(page).fields
    assert (fields.vendor_name, fields.customer_name) == (
        "Tomás Pérez Ruiz",
        "Ferretería Insular S.L.",
    )


@pytest.mark.parametrize("label", ["Mieter", "Locataire", "Tenant"])
def test_tenants_are_customers(label: str) -> None:
    match = match_label(label)
    assert match is not None and match.field == "customer_name", match


def test_a_bare_number_sign_first_on_its_row_labels_the_invoice_number() -> None:
    page = parse_page(
        "FACTURE\n"
        "Nº            F20931                       Boulangerie Martin SARL\n"
        "Date          14-02-2025                   3 rue des Lilas\n"
        "Client        Nº 4471\n"
    )
    assert page.fields.invoice_number == "F20931"
    assert page.fields.invoice_date == dt.date(2025, 2, 14)


def test_a_label_and_its_translation_after_a_slash_head_one_column() -> None:
    page = parse_page(
        "Cod. Cli.   Valuta/Currency   Numero doc./Doc. No.   Data doc./Date\n"
        "20.114      EURO                           2290/01       03/09/2025\n"
    )
    assert page.fields.invoice_number == "2290/01"
    assert page.fields.invoice_date == dt.date(2025, 9, 3)


def test_an_italian_e_invoice_names_its_parties_after_their_tax_numbers() -> None:
    """The tax agency's stylesheet lists each party's tax ids before its name."""
    page = parse_page(
        " Cedente/prestatore (fornitore)                    Cessionario/committente (cliente)\n"
        "  Identificativo fiscale ai fini IVA: IT01234567890  "
        "Identificativo fiscale ai fini IVA: IT09876543210\n"
        "  Codice fiscale: 01234567890                        Denominazione: FERRAMENTA ROSSI SRL\n"
        "  Denominazione: UTENSILI BIANCHI SNC                Indirizzo: VIA ROMA, 1\n"
    )
    assert page.fields.vendor_name == "UTENSILI BIANCHI SNC"
    assert page.fields.customer_name == "FERRAMENTA ROSSI SRL"


def test_a_heading_set_on_two_lines_reads_the_value_under_both() -> None:
    page = parse_page(
        "                                                  Data\n"
        "   Tipologia documento   Numero documento                   Codice destinatario\n"
        "                                               documento\n"
        "TD01 fattura                 2/311            14-05-2022       ABC1234\n"
    )
    assert page.fields.invoice_number == "2/311"
    assert page.fields.invoice_date == dt.date(2022, 5, 14)


def test_an_indian_gst_invoice_adds_its_central_and_state_halves() -> None:
    page = parse_page(
        "                         Tax Invoice\n"
        "KAVERI TRADERS                               Invoice No.      Dated\n"
        "12-4-88, Station Road, Pune                  KT/118           04-Sep-25\n"
        "Buyer (Bill to)\n"
        "LOTUS FABRICATORS\n"
        "Sl  Description of Goods        Quantity   Rate       Amount\n"
        " 1  MS ANGLE 50X50                 20     1,500.00   30,000.00\n"
        "                     CGST @9%                       2,700.00\n"
        "                     SGST @9%                       2,700.00\n"
        "                     Total                      ₹ 35,400.00\n"
    )
    fields = page.fields
    assert (fields.vendor_name, fields.customer_name) == ("KAVERI TRADERS", "LOTUS FABRICATORS")
    assert fields.invoice_date == dt.date(2025, 9, 4)
    assert (fields.tax, fields.total) == (Decimal("5400.00"), Decimal("35400.00"))
    assert fields.subtotal == Decimal("30000.00")


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Taxable Value", "subtotal"),
        ("Total Amount After Tax", "total"),
        ("SGST/UTGST", "tax"),
        ("Buyer bill to", "customer_name"),
    ],
)
def test_indian_gst_labels(label: str, field: str) -> None:
    match = match_label(label)
    assert match is not None and (match.field, match.rest) == (field, "")


def test_a_buyers_fee_is_no_customer() -> None:
    assert match_label("Buyer fee") is None


def test_the_net_after_a_discount_is_the_subtotal() -> None:
    page = parse_page(
        "                                   Total HT          8,400.00 €\n"
        "                                   Remise              400.00 €\n"
        "                                   Net HT            8,000.00 €\n"
        "                                   TVA (20%)         1,600.00 €\n"
        "                                   Total TTC         9,600.00 €\n"
    )
    assert (page.fields.subtotal, page.fields.tax, page.fields.total) == (
        Decimal("8000.00"),
        Decimal("1600.00"),
        Decimal("9600.00"),
    )


def test_a_date_as_the_payment_term_is_the_due_date() -> None:
    page = parse_page("Date:             02-05-26\nPayment term:     01-06-26\n")
    assert page.fields.due_date == dt.date(2026, 6, 1)
    assert parse_page("Payment term:     30 days\n").fields.due_date is None


@pytest.mark.parametrize("title", ["FAKTURA INVOICE", "FATTURA / INVOICE"])
def test_a_title_in_two_languages_heads_its_number(title: str) -> None:
    page = parse_page(f"Nordlys Trading OY                       {title}      000417")
    assert page.fields.invoice_number == "000417"


def test_a_dash_after_a_label_serves_as_its_colon() -> None:
    page = parse_page(
        "                         INVOICE\n"
        "                         Invoice #— SUB-07-2025-1182\n"
        "                         Invoice Date— Jul 3, 2025\n"
    )
    assert page.fields.invoice_number == "SUB-07-2025-1182"
    assert page.fields.invoice_date == dt.date(2025, 7, 3)


def test_a_rounding_line_makes_the_totals_add_up() -> None:
    page = parse_page(
        "Sub Total                       1,017.00\n"
        "Add CGST (9%)                      91.53\n"
        "Add SGST (9%)                      91.53\n"
        "Round Off                          -0.06\n"
        "TOTAL                           1,200.00\n"
    )
    fields = page.fields
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("1017.00"),
        Decimal("183.06"),
        Decimal("1200.00"),
    )
    # Sure of them because they add up, with the rounding printed; a name it is not.
    assert page.confidence["tax"] > 0.9 and page.confidence["total"] > 0.9
    assert fields.vendor_name is None
