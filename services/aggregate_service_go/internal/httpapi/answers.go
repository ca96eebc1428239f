package httpapi

import (
	"net/http"
	"strconv"

	"invoice/aggregate-service-go/internal/pyjson"
)

// unreadableBody is what a 400 says (invoice_shared.http_errors.UNREADABLE_BODY).
const unreadableBody = "the body could not be read: malformed JSON or form data, or not UTF-8"

// retryAfterSeconds: a 503 is a passing condition and says when to try again.
const retryAfterSeconds = 1

// writeError answers in the one error shape, {"error": kind, "message": message}.
func writeError(w http.ResponseWriter, status int, kind, message string) {
	body := []byte(`{"error":`)
	body, _ = pyjson.AppendString(body, kind)
	body = append(body, `,"message":`...)
	with, err := pyjson.AppendString(body, message)
	if err != nil { // not from a request: every message names what it was sent as UTF-8
		with, _ = pyjson.AppendString(body, pyjson.Lossy(message))
	}
	body = with
	body = append(body, '}')
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
