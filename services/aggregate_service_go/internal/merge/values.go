package merge

import (
	"math/big"

	"invoice/aggregate-service-go/internal/contract"
)

type kind uint8

const (
	text kind = iota
	date
	amount
)

// value is one field's value on a page: text, a date (YYYY-MM-DD) or an amount.
type value struct {
	kind  kind
	text  string
	money contract.Money
}

// equal compares as Python does: amounts as numbers (-0.00 == 0.00), the rest as text.
func (v value) equal(o value) bool {
	if v.kind == amount {
		return v.money.Equal(o.money)
	}
	return v.text == o.text
}

// show is how a warning names a value: dates as they are, anything else in quotes,
// and an absent value as Python's f'"{None}"' does.
func (v *value) show() string {
	switch {
	case v == nil:
		return `"None"`
	case v.kind == date:
		return v.text
	case v.kind == amount:
		return `"` + v.money.String() + `"`
	}
	return `"` + v.text + `"`
}

func (v *value) textOrNil() *string {
	if v == nil {
		return nil
	}
	s := v.text
	return &s
}

func (v *value) moneyOrNil() *contract.Money {
	if v == nil {
		return nil
	}
	m := v.money
	return &m
}

// fieldOf is a page's value for a header or totals field, nil when it shows none.
func fieldOf(p *contract.PageExtraction, name string) *value {
	textual := func(k kind, s *string) *value {
		if s == nil {
			return nil
		}
		return &value{kind: k, text: *s}
	}
	money := func(m *contract.Money) *value {
		if m == nil {
			return nil
		}
		return &value{kind: amount, money: *m}
	}
	switch name {
	case "invoice_number":
		return textual(text, p.InvoiceNumber)
	case "invoice_date":
		return textual(date, p.InvoiceDate)
	case "due_date":
		return textual(date, p.DueDate)
	case "vendor_name":
		return textual(text, p.VendorName)
	case "customer_name":
		return textual(text, p.CustomerName)
	case "currency":
		return textual(text, p.Currency)
	case "subtotal":
		return money(p.Subtotal)
	case "tax":
		return money(p.Tax)
	case "total":
		return money(p.Total)
	}
	return nil
}

// arithmeticWarnings: sums that do not add up, allowing a cent for a printed sum and a
// cent per line for line sums (invoices that round each amount after adding).
func arithmeticWarnings(values map[string]*value, items []contract.LineItem) []string {
	subtotal, tax, total := values["subtotal"], values["tax"], values["total"]
	var warnings []string
	lineSum := new(big.Int) // an amount is below 10^17 cents; many of them are not
	for i := range items {
		lineSum.Add(lineSum, big.NewInt(items[i].Amount.Cents()))
	}
	lines := big.NewInt(int64(len(items))) // a cent per line, in cents
	if len(items) > 0 && subtotal != nil && exceeds(diff(lineSum, subtotal.money), lines) {
		warnings = append(warnings, "Line items add up to "+contract.FormatCents(lineSum)+
			", but the subtotal is "+subtotal.money.String()+".")
	}
	switch {
	case subtotal != nil && total != nil:
		s, t := subtotal.money, total.money
		if tax == nil && abs(s.Cents()-t.Cents()) > 1 {
			warnings = append(warnings, "Subtotal "+s.String()+" differs from the invoice total "+
				t.String()+" and no page shows a tax amount.")
		} else if tax != nil && abs(s.Cents()+tax.money.Cents()-t.Cents()) > 1 {
			warnings = append(warnings, TotalMismatchWarning(s, tax.money, t))
		}
	case subtotal == nil && total != nil && len(items) > 0:
		expected := new(big.Int).Set(lineSum)
		label := ""
		if tax != nil {
			expected.Add(expected, big.NewInt(tax.money.Cents()))
			label = " plus tax"
		}
		if exceeds(diff(expected, total.money), lines) {
			warnings = append(warnings, "Line items"+label+" add up to "+contract.FormatCents(expected)+
				", but the invoice total is "+total.money.String()+".")
		}
	}
	return warnings
}

func diff(a *big.Int, m contract.Money) *big.Int {
	return new(big.Int).Sub(a, big.NewInt(m.Cents()))
}

// exceeds: |d| > limit.
func exceeds(d, limit *big.Int) bool { return new(big.Int).Abs(d).Cmp(limit) > 0 }

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
