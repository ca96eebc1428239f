package contract

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"

	"invoice/aggregate-service-go/internal/pyjson"
)

const invoiceIDPattern = `^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`

var (
	invoiceID = regexp.MustCompile(invoiceIDPattern)
	isoDate   = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

// ReadAggregateRequest checks a decoded body against AggregateRequest. Errors come in
// pydantic's order: a model's fields in declaration order, then its unknown keys in
// the order they were written.
func ReadAggregateRequest(body *pyjson.Value) (*AggregateRequest, []Error) {
	c := checker{}
	req := &AggregateRequest{}
	at := &where{seg: Segment{Key: "body"}}
	if c.object(body, at) {
		for _, f := range requestFields {
			v := c.field(body, at, f)
			here := at.key(f.name)
			switch {
			case v == nil:
			case f.name == "invoice_id":
				c.invoiceID(v, &here, &req.InvoiceID)
			case v.Kind != pyjson.Array:
				c.fail(&here, msgList)
			case len(v.Items) == 0:
				c.fail(&here, msgNoPages)
			default:
				req.Pages = make([]PageExtraction, len(v.Items))
				for i := range v.Items {
					item := here.index(i)
					c.page(&v.Items[i], &item, &req.Pages[i])
				}
			}
		}
		c.extras(body, at, requestFields)
	}
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	return req, nil
}

// field is one field of a model: required, or optional (absent or null: left nil),
// or with a default (absent: left as is; null is checked like any other value).
type field struct {
	name     string
	required bool
	nullable bool
}

var (
	requestFields = []field{{name: "invoice_id", required: true}, {name: "pages", required: true}}
	// Evidence's fields first, then InvoiceFields', then the page's own: the order
	// pydantic gives a model that inherits from both.
	pageFields = []field{
		{name: "confidence"}, {name: "source"},
		{name: "invoice_number", nullable: true}, {name: "invoice_date", nullable: true},
		{name: "due_date", nullable: true}, {name: "vendor_name", nullable: true},
		{name: "customer_name", nullable: true}, {name: "currency", nullable: true},
		{name: "subtotal", nullable: true}, {name: "tax", nullable: true}, {name: "total", nullable: true},
		{name: "invoice_id", required: true}, {name: "page_number", required: true},
		{name: "line_items"}, {name: "warnings"},
	}
	itemFields = []field{
		{name: "description", required: true}, {name: "quantity", nullable: true},
		{name: "unit_price", nullable: true}, {name: "amount", required: true},
	}
)

// where is a location being checked, as a chain up to the body: built for free on
// the way down, made into a Loc only when an error is reported.
type where struct {
	up  *where
	seg Segment
}

func (w *where) key(k string) where { return where{up: w, seg: Segment{Key: k}} }

func (w *where) index(i int) where { return where{up: w, seg: Segment{Index: i, IsIndex: true}} }

func (w *where) loc() Loc {
	n := 0
	for at := w; at != nil; at = at.up {
		n++
	}
	loc := make(Loc, n)
	for at := w; at != nil; at = at.up {
		n--
		loc[n] = at.seg
	}
	return loc
}

type checker struct{ errs []Error }

func (c *checker) fail(at *where, msg string) { c.errs = append(c.errs, Error{at.loc(), msg}) }

// failAt reports an error at a key of at.
func (c *checker) failAt(at *where, key string, msg string) {
	here := at.key(key)
	c.fail(&here, msg)
}

// object: a model's value must be an object, and pydantic must be able to read its
// keys as text: one that holds a lone surrogate fails the whole model, alone.
func (c *checker) object(v *pyjson.Value, at *where) bool {
	if v.Kind != pyjson.Object {
		c.fail(at, msgModelType)
		return false
	}
	for _, m := range v.Members {
		if pyjson.HasSurrogate(m.Key) {
			c.fail(at, msgStringBytes)
			return false
		}
	}
	return true
}

// field is the value of f to check, nil when there is none to check (a missing
// required field is reported here).
func (c *checker) field(v *pyjson.Value, at *where, f field) *pyjson.Value {
	m, ok := v.Get(f.name)
	switch {
	case !ok:
		if f.required {
			c.failAt(at, f.name, msgMissing)
		}
		return nil
	case m.Kind == pyjson.Null && f.nullable:
		return nil
	}
	return m
}

// extras refuses keys no field names (extra=forbid), after the fields' own errors.
func (c *checker) extras(v *pyjson.Value, at *where, fields []field) {
	for _, m := range v.Members {
		if !slices.ContainsFunc(fields, func(f field) bool { return f.name == m.Key }) {
			c.failAt(at, m.Key, msgExtra)
		}
	}
}

func (c *checker) page(v *pyjson.Value, at *where, p *PageExtraction) {
	if !c.object(v, at) {
		return
	}
	for _, f := range pageFields {
		m := c.field(v, at, f)
		if m == nil {
			continue
		}
		key := at.key(f.name)
		here := &key
		switch f.name {
		case "confidence":
			p.Confidence = c.confidence(m, here)
		case "source":
			p.Source = c.source(m, here)
		case "invoice_number":
			p.InvoiceNumber = c.text(m, here)
		case "invoice_date":
			p.InvoiceDate = c.date(m, here)
		case "due_date":
			p.DueDate = c.date(m, here)
		case "vendor_name":
			p.VendorName = c.text(m, here)
		case "customer_name":
			p.CustomerName = c.text(m, here)
		case "currency":
			p.Currency = c.text(m, here)
		case "subtotal":
			p.Subtotal = c.optionalMoney(m, here)
		case "tax":
			p.Tax = c.optionalMoney(m, here)
		case "total":
			p.Total = c.optionalMoney(m, here)
		case "invoice_id":
			c.invoiceID(m, here, &p.InvoiceID)
		case "page_number":
			p.PageNumber = c.pageNumber(m, here)
		case "line_items":
			if m.Kind != pyjson.Array {
				c.fail(here, msgList)
				continue
			}
			p.LineItems = make([]LineItem, len(m.Items))
			for i := range m.Items {
				item := here.index(i)
				c.lineItem(&m.Items[i], &item, &p.LineItems[i])
			}
		case "warnings":
			p.Warnings = c.texts(m, here)
		}
	}
	c.extras(v, at, pageFields)
}

func (c *checker) lineItem(v *pyjson.Value, at *where, item *LineItem) {
	if !c.object(v, at) {
		return
	}
	for _, f := range itemFields {
		m := c.field(v, at, f)
		if m == nil {
			continue
		}
		key := at.key(f.name)
		here := &key
		switch f.name {
		case "description":
			if s := c.text(m, here); s != nil {
				item.Description = *s
			}
		case "quantity":
			if q, ok := c.quantity(m, here); ok {
				item.Quantity = &q
			}
		case "unit_price":
			item.UnitPrice = c.optionalMoney(m, here)
		case "amount":
			if a, ok := c.money(m, here); ok {
				item.Amount = a
			}
		}
	}
	c.extras(v, at, itemFields)
}

func (c *checker) text(v *pyjson.Value, at *where) *string {
	if v.Kind != pyjson.String {
		c.fail(at, msgString)
		return nil
	}
	s := v.Str
	return &s
}

func (c *checker) texts(v *pyjson.Value, at *where) []string {
	if v.Kind != pyjson.Array {
		c.fail(at, msgList)
		return nil
	}
	out := make([]string, len(v.Items))
	for i := range v.Items {
		if v.Items[i].Kind != pyjson.String {
			item := at.index(i)
			c.fail(&item, msgString)
			continue
		}
		out[i] = v.Items[i].Str
	}
	return out
}

func (c *checker) optionalMoney(v *pyjson.Value, at *where) *Money {
	m, ok := c.money(v, at)
	if !ok {
		return nil
	}
	return &m
}

// invoiceID: a string of the id pattern. pydantic checks a pattern on UTF-8 text, so
// a string holding a lone surrogate fails before the pattern is tried.
func (c *checker) invoiceID(v *pyjson.Value, at *where, dst *string) {
	switch {
	case v.Kind != pyjson.String:
		c.fail(at, msgString)
	case pyjson.HasSurrogate(v.Str):
		c.fail(at, msgStringBytes)
	case !invoiceID.MatchString(v.Str):
		c.fail(at, msgPattern)
	default:
		*dst = v.Str
	}
}

// date: a string written YYYY-MM-DD that names a day of the calendar. The checks and
// their order are pydantic's: the month, then the day (year 0 is a leap year to
// it), then Python's own refusal of year 0.
func (c *checker) date(v *pyjson.Value, at *where) *string {
	if v.Kind != pyjson.String || !isoDate.MatchString(v.Str) {
		c.fail(at, msgDateForm)
		return nil
	}
	year, _ := strconv.Atoi(v.Str[0:4])
	month, _ := strconv.Atoi(v.Str[5:7])
	day, _ := strconv.Atoi(v.Str[8:10])
	switch {
	case month < 1 || month > 12:
		c.fail(at, msgMonth)
	case day < 1 || day > daysIn(year, month):
		c.fail(at, msgDay)
	case year == 0:
		c.fail(at, msgYearZero)
	default:
		s := v.Str
		return &s
	}
	return nil
}

func daysIn(year, month int) int {
	switch month {
	case 4, 6, 9, 11:
		return 30
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 31
}

// amount reads a Decimal field's number: a JSON number, finite, below 1e15.
func (c *checker) amount(v *pyjson.Value, at *where) (decimal, bool) {
	if v.Kind != pyjson.Number {
		c.fail(at, msgNumber)
		return decimal{}, false
	}
	d, finite := readDecimal(v)
	if !finite {
		c.fail(at, msgFinite)
		return decimal{}, false
	}
	if d.tooLarge() {
		c.fail(at, fmt.Sprintf(msgOutOfRange, d.shown()))
		return decimal{}, false
	}
	return d, true
}

func (c *checker) money(v *pyjson.Value, at *where) (Money, bool) {
	d, ok := c.amount(v, at)
	if !ok {
		return Money{}, false
	}
	return d.cents(), true
}

// quantity is not rounded: it is kept (and answered) as the number it was.
func (c *checker) quantity(v *pyjson.Value, at *where) (float64, bool) {
	d, ok := c.amount(v, at)
	if !ok {
		return 0, false
	}
	return d.float(), true
}

// pageNumber: an integer from 1 to MaxPageNumber; 3.0 counts as 3, 3.5 does not.
func (c *checker) pageNumber(v *pyjson.Value, at *where) int {
	if v.Kind != pyjson.Number {
		c.fail(at, msgNumber)
		return 0
	}
	var n float64 // exact for every value that passes
	if v.IsFloat {
		f, _ := strconv.ParseFloat(v.Str, 64)
		switch {
		case math.IsNaN(f) || math.IsInf(f, 0):
			c.fail(at, msgFinite)
			return 0
		case f != math.Trunc(f):
			c.fail(at, msgFraction)
			return 0
		case math.Abs(f) >= 1<<63: // pydantic takes only floats inside int64's range
			c.fail(at, msgIntSize)
			return 0
		}
		n = f
	} else {
		n, _ = strconv.ParseFloat(v.Str, 64) // the bounds are far from any rounding
	}
	switch {
	case n < 1:
		c.fail(at, msgPageMin)
	case n > MaxPageNumber:
		c.fail(at, msgPageMax)
	default:
		return int(n)
	}
	return 0
}

// confidence: per field, a JSON number from 0 to 1. An integer too large for a float
// is not a number to pydantic; NaN fails the upper bound, which is checked first.
func (c *checker) confidence(v *pyjson.Value, at *where) map[string]float64 {
	if v.Kind != pyjson.Object {
		c.fail(at, msgDict)
		return nil
	}
	out := make(map[string]float64, len(v.Members))
	for i := range v.Members {
		m := &v.Members[i]
		// pydantic names a key it cannot write as UTF-8 with replacement characters.
		here := at.key(pyjson.Lossy(m.Key))
		if m.Value.Kind != pyjson.Number {
			c.fail(&here, msgNumber)
			continue
		}
		f, err := strconv.ParseFloat(m.Value.Str, 64)
		switch {
		case err != nil && !m.Value.IsFloat:
			c.fail(&here, msgFloat)
		case !(f <= 1):
			c.fail(&here, msgAtMostOne)
		case !(f >= 0):
			c.fail(&here, msgAtLeastZero)
		default:
			if !m.Value.IsFloat && f == 0 {
				f = 0 // float(-0) is 0.0
			}
			out[m.Key] = f
		}
	}
	return out
}

func (c *checker) source(v *pyjson.Value, at *where) map[string]string {
	if v.Kind != pyjson.Object {
		c.fail(at, msgDict)
		return nil
	}
	out := make(map[string]string, len(v.Members))
	for i := range v.Members {
		m := &v.Members[i]
		isString, s := m.Value.Kind == pyjson.String, m.Value.Str
		switch {
		case isString && (s == SourceText || s == SourceOCR || s == SourceEmbeddedXML):
			out[m.Key] = s
		case isString && pyjson.HasSurrogate(s): // pydantic compares the literal as UTF-8 text
			c.failAt(at, pyjson.Lossy(m.Key), msgStringBytes)
		default:
			c.failAt(at, pyjson.Lossy(m.Key), msgSource)
		}
	}
	return out
}
