"""A company's name, as the page prints it, that its own web or mail domain spells.

Many invoices print the vendor only as a logo (an image: no text) and name it again in
passing: "Vos services Bouygues Telecom" beside bouyguestelecom.fr, "Tribunal de
Commerce du Siège Social de LE RELAIS LOCAL" beside www.lerelaislocal.fr. A run of
words whose letters are exactly the domain's name is that company (pure).
"""

from __future__ import annotations

import re

from extract_service.labels import fold

# A domain in a mail address or a web address ("www.", "https://", or a bare name
# under a country or generic top-level domain).
_DOMAIN = re.compile(
    r"(?:@|\bwww\.|https?://)([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,6})\b"
    r"|\b([a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|eu|de|at|ch|fr|be|nl|lu|es|it|pt|"
    r"br|ar|co|uk|in|io))\b",
    re.IGNORECASE,
)
# Second levels that are not the owner's name ("example.co.uk", "example.com.br").
_SECOND_LEVELS = frozenset({"co", "com", "org", "net", "ac"})
# Mail providers and hosts that name no one on the page.
_PROVIDERS = frozenset(
    {
        "gmail", "googlemail", "outlook", "hotmail", "live", "yahoo", "icloud", "aol",
        "gmx", "web", "t-online", "orange", "free", "wanadoo", "laposte", "sfr",
        "protonmail", "proton", "libero", "alice", "ziggo", "kpn", "telenet", "uol",
        # Platforms an invoice links to without being theirs: social media, payments.
        "facebook", "instagram", "linkedin", "twitter", "x", "youtube", "tiktok",
        "pinterest", "xing", "whatsapp", "google", "apple", "microsoft", "paypal",
        "stripe", "klarna", "mollie", "adyen", "sumup", "wise", "revolut", "trustpilot",
    }
)  # fmt: skip
# Public bodies' domains ("consumo.gob.es", "impots.gouv.fr") name an authority the
# invoice refers to, not its issuer.
_PUBLIC = frozenset({"gob", "gov", "gouv", "gv", "admin", "bund", "overheid", "gouvernement"})
# A name this short could be spelled by any run of letters.
_MIN_LETTERS = 4
_MAX_WORDS = 6


def _owners(text: str) -> list[str]:
    """Each domain's owner label, first seen first: "particulier.edf.fr" -> "edf"."""
    owners: list[str] = []
    for match in _DOMAIN.finditer(text):
        labels = (match.group(1) or match.group(2)).lower().split(".")[:-1]
        while len(labels) > 1 and labels[-1] in _SECOND_LEVELS:
            labels.pop()
        owner = labels[-1] if labels else ""
        public = any(label in _PUBLIC for label in labels)
        if owner not in _PROVIDERS and not public and owner not in owners:
            owners.append(owner)
    return owners


def is_web_host(text: str) -> bool:
    """Whether `text` is a web host below a registered domain ("survey.officedepot.com"):
    an address, not a name. "Amazon.co.uk" and "bol.com" may be names."""
    found = _DOMAIN.fullmatch(text.strip().rstrip("/"))
    if found is None:
        return False
    labels = (found.group(1) or found.group(2)).lower().split(".")[:-1]
    while len(labels) > 1 and labels[-1] in _SECOND_LEVELS:
        labels.pop()
    return len(labels) >= 2


def _letters(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(word))


def begins_with_name(text: str, name: str) -> bool:
    """Whether `text` starts with the letters of `name` ("Lenze B.V." with "Lenze")."""
    return _letters(text).startswith(_letters(name))


def name_spelled_by_domain(text: str) -> str | None:
    """Words printed on the page, outside any address, that spell a domain's owner."""
    lines = [
        [word for word in line.split() if "@" not in word and "." not in word.strip(".,;:")]
        for line in text.splitlines()
    ]
    for owner in _owners(text):
        wanted = re.sub(r"[^a-z0-9]", "", owner)
        if len(wanted) < _MIN_LETTERS:
            continue
        for words in lines:
            for start in range(len(words)):
                spelled = ""
                for end in range(start, min(start + _MAX_WORDS, len(words))):
                    spelled += _letters(words[end])
                    if not wanted.startswith(spelled) or not spelled:
                        break
                    found = " ".join(words[start : end + 1]).strip(".,;:()\"'")
                    # A name is capitalised: "consumo" beside consumo.gob.es is a word.
                    if spelled == wanted and any(word[:1].isupper() for word in found.split()):
                        return found
    return None
