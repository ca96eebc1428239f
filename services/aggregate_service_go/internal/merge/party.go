package merge

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// When two printings of a party's name are one party (invoice_shared.party_names in
// Python): one page's letterhead and another's ("Enel Energia S.p.A.", "ENEL").

// minPartyLetters: a name this short ("SA", "AG") begins too many others to say they
// are one party.
const minPartyLetters = 3

var folder = cases.Fold()

// nameKey is a name's letters and digits, without case, accents, punctuation or
// spacing: Python's casefold, then NFKD, keeping what str.isalnum() keeps. Checked
// against Python over every code point: equal but for Cherokee, whose two cases fold
// to each other here and to one in Python, and letters newer than the Unicode version
// of the Python that runs the other service.
func nameKey(name string) string {
	decomposed := norm.NFKD.String(folder.String(name))
	var b strings.Builder
	for _, r := range decomposed {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sameParty: whether one name begins with the other ("Acme", "Acme GmbH"), beyond an
// initial.
func sameParty(a, b string) bool {
	short, long := nameKey(a), nameKey(b)
	if len([]rune(short)) > len([]rune(long)) {
		short, long = long, short
	}
	return short == long || (len([]rune(short)) >= minPartyLetters && strings.HasPrefix(long, short))
}

// isParty: the fields whose printings are grouped by sameParty.
func isParty(name string) bool { return name == "vendor_name" || name == "customer_name" }
