package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"invoice/aggregate-service-go/internal/contract"
	"invoice/aggregate-service-go/internal/logs"
	"invoice/aggregate-service-go/internal/merge"
	"invoice/aggregate-service-go/internal/pyjson"
)

// aggregate is POST /aggregate: merge the pages of one invoice into the final result.
func (s *Server) aggregate(w *exchange, r *http.Request) {
	body, err := s.readBody(r)
	if err != nil {
		var tooLarge *bodyTooLarge
		if errors.As(err, &tooLarge) {
			writeError(w, http.StatusRequestEntityTooLarge, "too_large", tooLarge.Error())
			return
		}
		writeError(w, http.StatusBadRequest, "malformed_body", unreadableBody)
		return
	}
	if len(body) == 0 {
		w.invoiceID = r.URL.Query().Get("invoice_id")
		writeError(w, http.StatusUnprocessableEntity, "invalid_request", "body: Field required")
		return
	}
	decoded, err := pyjson.Decode(body)
	if err != nil {
		var syntax *pyjson.SyntaxError
		if errors.As(err, &syntax) {
			writeError(w, http.StatusBadRequest, "malformed_body", unreadableBody+" ("+syntax.Msg+")")
		} else {
			writeError(w, http.StatusBadRequest, "malformed_body", unreadableBody)
		}
		return
	}
	w.invoiceID = namedInvoice(&decoded, r)
	request, problems := contract.ReadAggregateRequest(&decoded)
	if problems != nil {
		writeError(w, http.StatusUnprocessableEntity, "invalid_request", contract.Describe(problems))
		return
	}
	invoice, err := merge.Aggregate(request.InvoiceID, request.Pages)
	if err != nil {
		s.unexpected(w, err.Error())
		return
	}
	answer, err := invoice.JSON()
	if err != nil {
		// pydantic cannot write a string holding a lone surrogate either.
		s.unexpected(w, "PydanticSerializationError: Error serializing to JSON: UnicodeEncodeError: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, answer)
}

// unexpected answers 500 as the Python apps answer an exception: its type and text.
func (s *Server) unexpected(w *exchange, message string) {
	s.opts.Log.Log(logs.Error, AppID, "unhandled error",
		logs.Fields{InvoiceID: w.invoiceID, Exception: message})
	writeError(w, http.StatusInternalServerError, "internal_error", message)
}

// namedInvoice is the invoice a request concerns, for its log lines: the body's
// invoice_id when it is a string, else the query's.
func namedInvoice(body *pyjson.Value, r *http.Request) string {
	if body.Kind == pyjson.Object {
		if id, ok := body.Get("invoice_id"); ok && id.Kind == pyjson.String {
			return id.Str
		}
	}
	return r.URL.Query().Get("invoice_id")
}

type bodyTooLarge struct{ limit int64 }

func (e *bodyTooLarge) Error() string {
	return fmt.Sprintf("the body is more than %d bytes; the limit is %d", e.limit, e.limit)
}

// readBody reads the body, at most MaxJSONBytes of it. A declared length was checked
// before routing; a chunked body, whose length nobody declared, is stopped here.
func (s *Server) readBody(r *http.Request) ([]byte, error) {
	limit := s.opts.MaxJSONBytes
	if r.ContentLength >= 0 && r.ContentLength <= limit {
		body := make([]byte, r.ContentLength)
		_, err := io.ReadFull(r.Body, body)
		return body, err
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, &bodyTooLarge{limit}
	}
	return body, nil
}
