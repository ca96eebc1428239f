package contract

import (
	"strconv"

	"invoice/aggregate-service-go/internal/pyjson"
)

// JSON writes the invoice as the Python service answers it: pydantic's field order
// (Evidence's fields, then InvoiceFields', then its own), every field present, amounts
// and quantities as JSON numbers. It fails where pydantic's serializer fails: on a
// string holding a lone surrogate.
func (a *AggregatedInvoice) JSON() ([]byte, error) {
	w := writer{buf: make([]byte, 0, 1024)}
	w.raw(`{"confidence":{`)
	for i, e := range a.Confidence {
		w.comma(i)
		w.str(e.Field)
		w.raw(":")
		w.buf = pyjson.AppendFloat(w.buf, e.Value)
	}
	w.raw(`},"source":{`)
	for i, e := range a.Source {
		w.comma(i)
		w.str(e.Field)
		w.raw(":")
		w.str(e.Value)
	}
	w.raw("}")
	for _, f := range []struct {
		name  string
		value *string
	}{
		{"invoice_number", a.InvoiceNumber},
		{"invoice_date", a.InvoiceDate},
		{"due_date", a.DueDate},
		{"vendor_name", a.VendorName},
		{"customer_name", a.CustomerName},
		{"currency", a.Currency},
	} {
		w.raw(`,"` + f.name + `":`)
		w.optionalStr(f.value)
	}
	w.raw(`,"subtotal":`)
	w.money(a.Subtotal)
	w.raw(`,"tax":`)
	w.money(a.Tax)
	w.raw(`,"total":`)
	w.money(a.Total)
	w.raw(`,"invoice_id":`)
	w.str(a.InvoiceID)
	w.raw(`,"line_items":[`)
	for i := range a.LineItems {
		item := &a.LineItems[i]
		w.comma(i)
		w.raw(`{"description":`)
		w.str(item.Description)
		w.raw(`,"quantity":`)
		if item.Quantity == nil {
			w.raw("null")
		} else {
			w.buf = pyjson.AppendFloat(w.buf, *item.Quantity)
		}
		w.raw(`,"unit_price":`)
		w.money(item.UnitPrice)
		w.raw(`,"amount":`)
		w.money(&item.Amount)
		w.raw("}")
	}
	w.raw(`],"page_count":`)
	w.buf = strconv.AppendInt(w.buf, int64(a.PageCount), 10)
	w.raw(`,"warnings":[`)
	for i, s := range a.Warnings {
		w.comma(i)
		w.str(s)
	}
	w.raw("]}")
	return w.buf, w.err
}

// writer appends JSON and keeps the first error.
type writer struct {
	buf []byte
	err error
}

func (w *writer) raw(s string) { w.buf = append(w.buf, s...) }

func (w *writer) comma(i int) {
	if i > 0 {
		w.buf = append(w.buf, ',')
	}
}

func (w *writer) str(s string) {
	if w.err != nil {
		return
	}
	w.buf, w.err = pyjson.AppendString(w.buf, s)
}

func (w *writer) optionalStr(s *string) {
	if s == nil {
		w.raw("null")
		return
	}
	w.str(*s)
}

func (w *writer) money(m *Money) {
	if m == nil {
		w.raw("null")
		return
	}
	w.buf = pyjson.AppendFloat(w.buf, m.Float64())
}
