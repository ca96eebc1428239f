// Package merge merges what each page says into one invoice, and says where the pages
// disagree (aggregate_service.merge in Python; its rules, sentences and order).
//
// Rules:
//   - pages are taken in page-number order (pages of the same number as given);
//   - a header field (number, dates, parties, currency) takes the value most pages
//     show, the earliest page winning a tie; disagreement becomes a warning; a party's
//     name that begins another page's ("Enel", "Enel Energia S.p.A.") votes for the
//     fuller one;
//   - the total comes from the last page that shows one, since the totals block closes
//     an invoice, and so do subtotal and tax when that page shows both; when it does
//     not, they come from the last page whose own subtotal and tax add up to that total
//     (a summary page, not a later page of worked examples), else each from the last
//     page that shows it; but a last total alone that is an earlier summary's subtotal
//     (detail pages summing the net) leaves the invoice's totals to that summary;
//   - line items are concatenated in page order, except a page that repeats an earlier
//     page's line items and totals (a duplicate copy printed into the same PDF, as
//     "ORIGINAL" and "DUPLICADO"; at least one of its totals shown): its items count
//     once, with a warning;
//   - a value read from the PDF's embedded e-invoice (source "embedded_xml") is taken
//     over what the pages' text says, and so are its line items (the whole
//     document's); the extract service has already warned where its page disagrees;
//   - warnings are added for arithmetic that does not add up, required fields that no
//     page shows, and anything a page itself warned about (prefixed "Page N: ").
package merge

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"invoice/aggregate-service-go/internal/contract"
)

var (
	headerFields   = []string{"invoice_number", "invoice_date", "due_date", "vendor_name", "customer_name", "currency"}
	totalFields    = []string{"subtotal", "tax", "total"}
	allFields      = append(slices.Clone(headerFields), totalFields...)
	requiredFields = []string{"invoice_number", "invoice_date", "vendor_name", "currency", "total"}
	fieldNames     = map[string]string{
		"invoice_number": "invoice number",
		"invoice_date":   "invoice date",
		"due_date":       "due date",
		"vendor_name":    "vendor name",
		"customer_name":  "customer name",
		"currency":       "currency",
		"total":          "total",
	}
)

const (
	// The most confidence an amount keeps when the invoice's arithmetic does not add up.
	doubtful = 0.5
	// What a page is taken to be sure of a field it states no confidence for.
	unstatedConfidence = 0.5
)

// ErrNoPages: an invoice needs at least one page (the contract refuses an empty list).
var ErrNoPages = errors.New("an invoice needs at least one page")

// ResultError is an answer the contract does not allow (Python builds the answer
// through its model and fails with a 500): more pages than a page count may be.
type ResultError struct{ Message string }

func (e *ResultError) Error() string { return e.Message }

// TotalMismatchWarning is the warning for subtotal + tax differing from the total;
// invoice_gen reproduces this sentence for its deliberately inconsistent invoices.
func TotalMismatchWarning(subtotal, tax, total contract.Money) string {
	return fmt.Sprintf("Subtotal %s plus tax %s is %s, but the invoice total is %s.",
		subtotal, tax, subtotal.Add(tax), total)
}

// Aggregate is one invoice from its pages' extractions; see the package comment.
func Aggregate(invoiceID string, pages []contract.PageExtraction) (*contract.AggregatedInvoice, error) {
	if len(pages) == 0 {
		return nil, ErrNoPages
	}
	if len(pages) > contract.MaxPageNumber {
		return nil, pageCountError(len(pages))
	}
	ordered := make([]*contract.PageExtraction, len(pages))
	for i := range pages {
		ordered[i] = &pages[i]
	}
	slices.SortStableFunc(ordered, func(a, b *contract.PageExtraction) int {
		return a.PageNumber - b.PageNumber
	})

	warnings := numberingWarnings(ordered)
	warnings = append(warnings, ownershipWarnings(invoiceID, ordered)...)
	for _, page := range ordered {
		for _, w := range page.Warnings {
			warnings = append(warnings, fmt.Sprintf("Page %d: %s", page.PageNumber, w))
		}
	}
	structured := embedded("line_items", ordered)
	copies := map[int]int{}
	if structured == nil {
		copies = copiesOf(ordered)
	}
	for later, page := range ordered {
		if earlier, ok := copies[later]; ok {
			warnings = append(warnings, fmt.Sprintf("Page %d repeats the line items and totals "+
				"of page %d (a copy): they are counted once.", page.PageNumber, ordered[earlier].PageNumber))
		}
	}
	values := map[string]*value{}
	for _, name := range headerFields {
		chosen, conflict := agreedValue(name, ordered)
		values[name] = chosen
		if conflict != "" && embedded(name, ordered) == nil {
			warnings = append(warnings, conflict)
		}
	}
	for name, v := range totals(ordered) {
		values[name] = v
	}
	for _, name := range allFields {
		if page := embedded(name, ordered); page != nil {
			values[name] = fieldOf(page, name)
			warnings = append(warnings, contradictions(name, values[name], page, ordered)...)
		}
	}
	var items []contract.LineItem
	if structured != nil {
		items = slices.Clone(structured.LineItems)
	} else {
		for index, page := range ordered {
			if _, copied := copies[index]; !copied {
				items = append(items, page.LineItems...)
			}
		}
	}
	for _, name := range requiredFields {
		if values[name] == nil {
			warnings = append(warnings, fmt.Sprintf("No page shows the %s.", fieldNames[name]))
		}
	}
	arithmetic := arithmeticWarnings(values, items)
	warnings = append(warnings, arithmetic...)

	invoice := &contract.AggregatedInvoice{
		InvoiceID: invoiceID,
		LineItems: items,
		PageCount: len(ordered),
		Warnings:  warnings,
	}
	invoice.Confidence, invoice.Source = evidence(values, ordered, len(arithmetic) > 0)
	invoice.InvoiceNumber = values["invoice_number"].textOrNil()
	invoice.InvoiceDate = values["invoice_date"].textOrNil()
	invoice.DueDate = values["due_date"].textOrNil()
	invoice.VendorName = values["vendor_name"].textOrNil()
	invoice.CustomerName = values["customer_name"].textOrNil()
	invoice.Currency = values["currency"].textOrNil()
	invoice.Subtotal = values["subtotal"].moneyOrNil()
	invoice.Tax = values["tax"].moneyOrNil()
	invoice.Total = values["total"].moneyOrNil()
	return invoice, nil
}

// copiesOf is the pages (by index) that repeat an earlier page of another number: the
// same line items and the same subtotal, tax and total, one of them at least shown;
// each with the index of the page it repeats. A page extracted twice under one number is
// a numbering warning instead.
func copiesOf(pages []*contract.PageExtraction) map[int]int {
	first := map[string]int{}
	copies := map[int]int{}
	for index, page := range pages {
		if len(page.LineItems) == 0 || (page.Subtotal == nil && page.Tax == nil && page.Total == nil) {
			continue
		}
		key := pageKey(page)
		earlier, seen := first[key]
		if !seen {
			first[key] = index
		} else if pages[earlier].PageNumber != page.PageNumber {
			copies[index] = earlier
		}
	}
	return copies
}

// pageKey is equal for pages whose line items and totals are equal as Python compares
// them: amounts in cents, quantities as numbers (-0 is 0), absent values apart.
func pageKey(page *contract.PageExtraction) string {
	var b strings.Builder
	money := func(m *contract.Money) {
		if m == nil {
			b.WriteString("-|")
			return
		}
		fmt.Fprintf(&b, "%d|", m.Cents())
	}
	money(page.Subtotal)
	money(page.Tax)
	money(page.Total)
	for _, item := range page.LineItems {
		fmt.Fprintf(&b, "%q|%d|", item.Description, item.Amount.Cents())
		money(item.UnitPrice)
		if item.Quantity == nil {
			b.WriteString("-|")
		} else {
			fmt.Fprintf(&b, "%d|", math.Float64bits(*item.Quantity+0))
		}
	}
	return b.String()
}

// totals chooses subtotal, tax and total by the rule in the package comment.
func totals(pages []*contract.PageExtraction) map[string]*value {
	last := map[string]*value{}
	for _, name := range totalFields {
		last[name] = nil
		for i := len(pages) - 1; i >= 0; i-- {
			if v := fieldOf(pages[i], name); v != nil {
				last[name] = v
				break
			}
		}
	}
	total := last["total"]
	var closing *contract.PageExtraction
	for i := len(pages) - 1; i >= 0 && closing == nil; i-- {
		if pages[i].Total != nil {
			closing = pages[i]
		}
	}
	if closing != nil {
		if summary := summaryOfNet(pages, closing); summary != nil {
			for _, name := range totalFields {
				last[name] = fieldOf(summary, name)
			}
			return last
		}
	}
	if total == nil || closing == nil || (closing.Subtotal != nil && closing.Tax != nil) {
		return last // the page with the total shows its own subtotal and tax
	}
	for i := len(pages) - 1; i >= 0; i-- {
		subtotal, tax := fieldOf(pages[i], "subtotal"), fieldOf(pages[i], "tax")
		if subtotal != nil && tax != nil &&
			abs(subtotal.money.Cents()+tax.money.Cents()-total.money.Cents()) <= 1 {
			last["subtotal"], last["tax"] = subtotal, tax
			break
		}
	}
	return last
}

// summaryOfNet is an earlier page whose subtotal, tax and total add up, with closing's
// lone total (no tax, no other subtotal) as its subtotal: the detail pages after a
// summary sum the net ("Summe Grundpreise 50,37" after "Summe 50,37 / USt. 9,57 /
// Rechnungsbetrag 59,94"), not the invoice.
func summaryOfNet(pages []*contract.PageExtraction, closing *contract.PageExtraction) *contract.PageExtraction {
	if closing.Tax != nil || closing.Total == nil {
		return nil
	}
	if closing.Subtotal != nil && !closing.Subtotal.Equal(*closing.Total) {
		return nil // a net and a gross of its own: the closing page's totals
	}
	for _, page := range pages {
		if page.PageNumber >= closing.PageNumber {
			return nil
		}
		if page.Subtotal != nil && page.Tax != nil && page.Total != nil &&
			page.Tax.Cents() > 0 &&
			abs(page.Subtotal.Cents()-closing.Total.Cents()) <= 1 &&
			abs(page.Subtotal.Cents()+page.Tax.Cents()-page.Total.Cents()) <= 1 {
			return page
		}
	}
	return nil
}

// pageCountError is pydantic's account of the page count it refuses.
func pageCountError(count int) error {
	return &ResultError{fmt.Sprintf("ValidationError: 1 validation error for AggregatedInvoice\n"+
		"page_count\n  Input should be less than or equal to %d [type=less_than_equal, "+
		"input_value=%d, input_type=int]\n    For further information visit "+
		"https://errors.pydantic.dev/2.14/v/less_than_equal", contract.MaxPageNumber, count)}
}

// evidence is each chosen value's confidence and source, from the pages that show it:
// the surest of them; lowered when pages disagree or the totals do not add up.
func evidence(values map[string]*value, pages []*contract.PageExtraction, doubtfulTotals bool) (
	[]contract.Evidence[float64], []contract.Evidence[string],
) {
	confidence := []contract.Evidence[float64]{}
	source := []contract.Evidence[string]{}
	for _, name := range allFields {
		chosen := values[name]
		if chosen == nil {
			continue
		}
		var showing, agreeing []*contract.PageExtraction
		for _, page := range pages {
			if v := fieldOf(page, name); v != nil {
				showing = append(showing, page)
				if v.equal(*chosen) || (isParty(name) && sameParty(v.text, chosen.text)) {
					agreeing = append(agreeing, page)
				}
			}
		}
		if structured := embedded(name, pages); structured != nil {
			showing = []*contract.PageExtraction{structured}
			agreeing = showing
		}
		best := agreeing[0] // the first of the surest, as Python's max() keeps it
		for _, page := range agreeing[1:] {
			if confidenceOf(page, name) > confidenceOf(best, name) {
				best = page
			}
		}
		sure := confidenceOf(best, name)
		if len(agreeing) < len(showing) {
			sure *= float64(len(agreeing)) / float64(len(showing))
		}
		if doubtfulTotals && slices.Contains(totalFields, name) && sure > doubtful {
			sure = doubtful
		}
		confidence = append(confidence, contract.Evidence[float64]{Field: name, Value: round3(sure)})
		from, ok := best.Source[name]
		if !ok {
			from = contract.SourceText
		}
		source = append(source, contract.Evidence[string]{Field: name, Value: from})
	}
	return confidence, source
}

func confidenceOf(page *contract.PageExtraction, name string) float64 {
	if c, ok := page.Confidence[name]; ok {
		return c
	}
	return unstatedConfidence
}

// round3 is Python's round(x, 3): the exact binary value rounded half to even.
func round3(x float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 3, 64), 64)
	return r
}

// contradictions: where another page's text contradicts the e-invoice's value (the
// page that carries it has compared itself already): the totals of a long invoice are
// on its last page.
func contradictions(name string, chosen *value, structured *contract.PageExtraction,
	pages []*contract.PageExtraction,
) []string {
	var out []string
	for _, page := range pages {
		if page == structured {
			continue
		}
		shown := fieldOf(page, name)
		if shown == nil || (chosen != nil && shown.equal(*chosen)) {
			continue
		}
		out = append(out, fmt.Sprintf("The embedded e-invoice says %s %s but page %d shows %s.",
			strings.ReplaceAll(name, "_", " "), chosen.show(), page.PageNumber, shown.show()))
	}
	return out
}

// embedded is the first page whose `name` comes from the embedded e-invoice, if any.
func embedded(name string, pages []*contract.PageExtraction) *contract.PageExtraction {
	for _, page := range pages {
		if page.Source[name] == contract.SourceEmbeddedXML {
			return page
		}
	}
	return nil
}

// seen is one value of a header field and the numbers of the pages that show it.
type seen struct {
	value   *value
	numbers []int
}

// samePartyTogether: names where one begins with the other ("Enel" and "Enel Energia
// S.p.A.", a continuation page naming the company in passing) are one party: its pages
// vote together for the fullest name, in the place of the first of them.
func samePartyTogether(order []*seen) []*seen {
	var groups []*seen
	for _, s := range order {
		joined := false
		for i, g := range groups {
			if sameParty(s.value.text, g.value.text) {
				fuller := g.value
				if len([]rune(nameKey(s.value.text))) > len([]rune(nameKey(g.value.text))) {
					fuller = s.value
				}
				groups[i] = &seen{value: fuller, numbers: append(slices.Clone(g.numbers), s.numbers...)}
				joined = true
				break
			}
		}
		if !joined {
			groups = append(groups, &seen{value: s.value, numbers: slices.Clone(s.numbers)})
		}
	}
	for _, g := range groups {
		slices.Sort(g.numbers)
	}
	return groups
}

// agreedValue is the value most pages show (earliest wins ties) and a warning if
// pages differ.
func agreedValue(name string, pages []*contract.PageExtraction) (*value, string) {
	var order []*seen
	byText := map[string]*seen{} // header values are text or dates: equal as text
	for _, page := range pages {
		v := fieldOf(page, name)
		if v == nil {
			continue
		}
		s, ok := byText[v.text]
		if !ok {
			s = &seen{value: v}
			byText[v.text] = s
			order = append(order, s)
		}
		s.numbers = append(s.numbers, page.PageNumber)
	}
	if len(order) == 0 {
		return nil, ""
	}
	if isParty(name) {
		order = samePartyTogether(order)
	}
	chosen := order[0]
	for _, s := range order[1:] {
		if len(s.numbers) > len(chosen.numbers) {
			chosen = s
		}
	}
	if len(order) == 1 {
		return chosen.value, ""
	}
	shown := make([]string, len(order))
	for i, s := range order {
		shown[i] = s.value.show() + " on " + pagesPhrase(s.numbers)
	}
	return chosen.value, fmt.Sprintf("Pages disagree on the %s: %s. Using %s.",
		fieldNames[name], strings.Join(shown, "; "), chosen.value.show())
}

func numberingWarnings(pages []*contract.PageExtraction) []string {
	count := map[int]int{}
	highest := 0
	for _, page := range pages {
		count[page.PageNumber]++
		highest = max(highest, page.PageNumber)
	}
	var warnings []string
	// pages are in page order, so repeated numbers come out sorted.
	for i, page := range pages {
		if count[page.PageNumber] > 1 && (i == 0 || pages[i-1].PageNumber != page.PageNumber) {
			warnings = append(warnings, fmt.Sprintf("Page %d was extracted more than once.", page.PageNumber))
		}
	}
	var missing []int
	for n := 1; n <= highest; n++ {
		if count[n] == 0 {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		warnings = append(warnings, fmt.Sprintf("No extraction for %s; the invoice may be incomplete.",
			pagesPhrase(missing)))
	}
	return warnings
}

func ownershipWarnings(invoiceID string, pages []*contract.PageExtraction) []string {
	var warnings []string
	for _, page := range pages {
		if page.InvoiceID != invoiceID {
			// Python writes the ids with repr(): in quotes, which the id alphabet never
			// needs to escape.
			warnings = append(warnings, fmt.Sprintf("Page %d belongs to invoice '%s', not '%s'.",
				page.PageNumber, page.InvoiceID, invoiceID))
		}
	}
	return warnings
}

// pagesPhrase: "page 3", "pages 2 and 4", "pages 1, 2 and 5".
func pagesPhrase(numbers []int) string {
	if len(numbers) == 1 {
		return "page " + strconv.Itoa(numbers[0])
	}
	listed := make([]string, len(numbers)-1)
	for i, n := range numbers[:len(numbers)-1] {
		listed[i] = strconv.Itoa(n)
	}
	return fmt.Sprintf("pages %s and %d", strings.Join(listed, ", "), numbers[len(numbers)-1])
}
