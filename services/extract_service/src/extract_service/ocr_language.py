"""Which language a page is in, from the words a first (English) OCR pass read.

Tesseract reads a language best with that language's model: with English alone it
loses accents ("für" becomes "fur"), and with all our models at once it runs slower
and still mixes them up. So a page is read in English first; when its words are
mostly another language's invoice vocabulary, it is read again in that language.
The marker words are written without accents, as the English pass reads them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

ENGLISH = "eng"
_MARKERS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "eng": "invoice number date bill to customer quantity qty amount price unit total "
        "subtotal tax vat due the of and for payment terms thank you your please description "
        "days within from ship balance",
        "deu": "rechnung rechnungsnummer rechnungsdatum datum kunde kundennummer menge betrag "
        "gesamtbetrag summe zwischensumme mwst ust steuernummer zahlbar zahlungsziel "
        "bankverbindung und der die das mit von bitte vielen dank tage tagen ohne abzug "
        "lieferdatum einzelpreis gesamt netto brutto anzahl beschreibung artikel",
        "fra": "facture numero date client quantite montant prix unitaire tva ht ttc de la le "
        "les du des et pour merci paiement echeance reglement conditions designation payer "
        "votre reception",
        "nld": "factuur factuurnummer factuurdatum datum klant aantal bedrag totaal btw "
        "subtotaal omschrijving prijs stuk het de van een en te voor betalen betaling binnen "
        "dagen vervaldatum graag dank uw bestelling rekening",
        "spa": "factura numero fecha cliente cantidad importe precio unitario iva base "
        "imponible de la el los las del y por para pago vencimiento forma gracias su "
        "descripcion concepto transferencia dias",
        "ita": "fattura numero data cliente quantita importo prezzo unitario totale iva "
        "imponibile di il la della del e per pagamento scadenza descrizione grazie giorni "
        "entro dalla bonifico",
        "por": "fatura numero data cliente quantidade valor preco unitario iva de da do dos das "
        "e para pagamento vencimento descricao obrigado pela sua condicoes transferencia "
        "emissao",
    }.items()
}


def _plain(word: str) -> str:
    """Lower case, accents and surrounding punctuation removed."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip(".,:;()#*")


def guess_language(words: Iterable[str]) -> str:
    """The Tesseract language code whose invoice words the page uses most; English
    unless another language's words outnumber it."""
    plain = [_plain(word) for word in words]
    scores = {lang: sum(word in markers for word in plain) for lang, markers in _MARKERS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] > scores[ENGLISH] else ENGLISH
