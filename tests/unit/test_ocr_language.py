"""A page's language is guessed from the words an English OCR pass read."""

from __future__ import annotations

from extract_service.ocr_language import guess_language


def test_an_english_invoice_is_english_even_with_foreign_addresses() -> None:
    page = "Invoice Number: INV-1 Bill To: Casa Rossi Via Roma 22 Calle de Alcalá 48 "
    page += "Description Qty Unit Price Amount Subtotal VAT Total Due"
    assert guess_language(page.split()) == "eng"


def test_other_languages_are_told_apart_as_the_english_pass_reads_them() -> None:
    pages = {
        # The English model drops or swaps accents: "Fälligkeitsdatum", "für".
        "deu": "Rechnung Rechnungsnummer: 17 Falligkeitsdatum Menge Betrag Gesamtbetrag fur",
        "fra": "Facture Numéro de facture : FA-1 Désignation Quantite Montant TVA à payer",
        "nld": "Factuur Factuurnummer Klant Omschrijving Aantal Bedrag Totaal te betalen",
        "spa": "Factura Fecha de emisión Cliente Cantidad Importe Forma de pago",
        "ita": "Fattura Data di scadenza Quantita Importo Totale da pagare entro giorni",
        "por": "Fatura Data de emissao Quantidade Valor Total a pagar pela sua preferencia",
    }
    assert {lang: guess_language(text.split()) for lang, text in pages.items()} == {
        lang: lang for lang in pages
    }


def test_no_words_is_english() -> None:
    assert guess_language([]) == "eng"
