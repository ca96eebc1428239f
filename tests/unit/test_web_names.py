"""A vendor printed only as a logo, named in passing and spelled by its own domain."""

from __future__ import annotations

import pytest

from extract_service.fields import parse_page
from extract_service.web_names import begins_with_name, name_spelled_by_domain


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vos services Bouygues Telecom   12,99\nbouyguestelecom.fr", "Bouygues Telecom"),
        (
            "Contact: commande@lerelaislocal.fr\nSiège Social de LE RELAIS LOCAL.",
            "LE RELAIS LOCAL",
        ),
        # A subdomain and a two-part top level are not the owner's name.
        ("see particulier.nordgas.co.uk\nNordgas Supply", "Nordgas"),
        # A mail provider names no one; nor does a name shorter than four letters.
        ("jan.devries@gmail.com\nGmail user", None),
        ("edf.fr\nEDF & MOI", None),
        # The domain itself is no name on the page.
        ("www.acmeparts.com", None),
        # A public body's site names an authority, and a lower-case word is no name.
        ("Reclamaciones: consumo.gob.es\nConsumo", None),
        ("info@tarifa.es\nsu tarifa de consumo", None),
        # Platforms an invoice links to name no one on it.
        ("Folgen Sie uns: facebook.com/pizzeria\nFacebook", None),
        ("Paiement par PayPal (paypal.com)", None),
    ],
)
def test_a_name_spelled_by_a_domain(text: str, expected: str | None) -> None:
    assert name_spelled_by_domain(text) == expected


def test_a_longer_name_at_the_top_begins_with_the_spelled_one() -> None:
    assert begins_with_name("Lenze B.V.", "Lenze")
    assert not begins_with_name("Poste CH SA", "Lenze")


_LOGO_ONLY = """\
                                                     Facture n° 2024-118
                                                     Date : 12/03/2024
Vos services Bouygues Telecom                        Montant TTC  12,99 €
Total TTC                                            12,99 €
Pour toute question : www.bouyguestelecom.fr
"""


def test_the_vendor_of_a_page_whose_name_is_a_logo() -> None:
    parsed = parse_page(_LOGO_ONLY)
    assert parsed.fields.vendor_name == "Bouygues Telecom"
    assert parsed.confidence["vendor_name"] < 0.75  # surer readings outvote it
    # A company named at the top with its legal form is the vendor, whatever a domain
    # on the page spells.
    named = parse_page("Lenze B.V.\n" + _LOGO_ONLY).fields.vendor_name
    assert named == "Lenze B.V."
