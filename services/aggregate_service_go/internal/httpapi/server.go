// Package httpapi is the aggregate service's HTTP face, answering as the Python app
// (invoice_shared.web.create_service_app) does. A request passes, in this order:
// metrics and the access log (which see every answer), the sidecar's token (401),
// the body's media type and size (415, 413), then routing (307, 404, 405) and the
// route itself. Every error answer is {"error": kind, "message": text}.
package httpapi

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"invoice/aggregate-service-go/internal/config"
	"invoice/aggregate-service-go/internal/logs"
)

// AppID names the service: its Dapr app id, its logger and its metrics' app label.
const AppID = "aggregate-service"

const tokenHeader = "dapr-api-token"

// Paths that take no token: what probes and the metrics scraper fetch.
var openPaths = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// Options configure a Server.
type Options struct {
	Token        string // APP_API_TOKEN
	MaxJSONBytes int64
	AccessLog    bool
	Log          *logs.Logger
	Env          config.Env // read per /status call, as Python reads its sidecar settings
}

// Server answers the service's HTTP requests.
type Server struct {
	opts    Options
	metrics *metrics
	routes  map[string]route
}

// New builds the service's handler.
func New(opts Options) *Server {
	s := &Server{opts: opts, metrics: newMetrics(AppID)}
	s.routes = map[string]route{
		"/aggregate":    {methods: []string{"POST"}, serve: s.aggregate},
		"/healthz":      {methods: []string{"GET"}, serve: s.healthz},
		"/status":       {methods: []string{"GET"}, serve: s.status},
		"/metrics":      {methods: []string{"GET"}, serve: s.serveMetrics},
		"/openapi.json": {methods: []string{"GET", "HEAD"}, serve: serveOpenAPI},
	}
	return s
}

// exchange is one request's state: its answer's status and the invoice it names.
type exchange struct {
	http.ResponseWriter
	status    int
	invoiceID string
}

func (e *exchange) WriteHeader(status int) {
	if e.status == 0 {
		e.status = status
	}
	e.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the connection's writer (to flush).
func (e *exchange) Unwrap() http.ResponseWriter { return e.ResponseWriter }

func (e *exchange) Write(b []byte) (int, error) {
	if e.status == 0 {
		e.status = http.StatusOK
	}
	return e.ResponseWriter.Write(b)
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	path := requestPath(r)
	template := "unmatched"
	if _, ok := s.routes[path]; ok {
		template = path
	}
	ex := &exchange{ResponseWriter: w}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.opts.Log.Log(logs.Error, AppID, "unhandled error",
				logs.Fields{InvoiceID: ex.invoiceID, Exception: fmt.Sprintf("%v\n%s", p, debug.Stack())})
			if ex.status == 0 {
				writeError(ex, http.StatusInternalServerError, "internal_error", fmt.Sprintf("panic: %v", p))
			}
		}
		status := ex.status
		if status == 0 {
			status = http.StatusOK
		}
		drain(ex, r)
		s.metrics.observe(r.Method, template, status, time.Since(started))
		if s.opts.AccessLog {
			s.opts.Log.Log(logs.Info, AppID+".access",
				fmt.Sprintf(`%s - "%s %s HTTP/%d.%d" %d`, r.RemoteAddr, r.Method, r.RequestURI,
					r.ProtoMajor, r.ProtoMinor, status),
				logs.Fields{InvoiceID: ex.invoiceID})
		}
	}()
	if !openPaths[path] && !s.fromSidecar(r) {
		ex.Header().Set("WWW-Authenticate", tokenHeader)
		writeError(ex, http.StatusUnauthorized, "unauthorized",
			"this service takes calls only through its Dapr sidecar (dapr-api-token)")
		return
	}
	if status, kind, message := s.bodyRefusal(r); status != 0 {
		writeError(ex, status, kind, message)
		return
	}
	s.dispatch(ex, r, path)
}

// drainLimit bounds what is read of a body the answer did not need: as much as the
// sidecars forward (64 MiB).
const drainLimit = 64 << 20

// drain reads what is left of a refused request's body, after sending the answer, as
// uvicorn does: a client still sending (a 413 is answered before the body is read)
// then reads its answer instead of a broken connection.
func drain(w http.ResponseWriter, r *http.Request) {
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	_ = http.NewResponseController(w).Flush()
	_, _ = io.CopyN(io.Discard, r.Body, drainLimit)
}

// fromSidecar: the request carries the app's token, compared in constant time. Like
// Starlette, the header's bytes are read as Latin-1 and compared as UTF-8.
func (s *Server) fromSidecar(r *http.Request) bool {
	given, ok := r.Header[http.CanonicalHeaderKey(tokenHeader)]
	if !ok || len(given) == 0 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(latin1(given[0])), []byte(s.opts.Token)) == 1
}

// bodyRefusal: a request with a body must send JSON (415) of at most MaxJSONBytes as
// its Content-Length declares it (413); checked before the body is read.
func (s *Server) bodyRefusal(r *http.Request) (int, string, string) {
	switch r.Method {
	case "POST", "PUT", "PATCH":
	default:
		return 0, "", ""
	}
	if r.ContentLength <= 0 && len(r.TransferEncoding) == 0 {
		return 0, "", ""
	}
	kind, _, _ := strings.Cut(latin1(r.Header.Get("Content-Type")), ";")
	kind = pyLower(pyStrip(kind))
	if kind != "application/json" {
		if kind == "" {
			kind = "no type"
		}
		return http.StatusUnsupportedMediaType, "unsupported_media_type", "send application/json, not " + kind
	}
	if r.ContentLength > s.opts.MaxJSONBytes {
		return http.StatusRequestEntityTooLarge, "too_large",
			fmt.Sprintf("the body is %d bytes; the limit is %d", r.ContentLength, s.opts.MaxJSONBytes)
	}
	if r.ContentLength < 0 && !s.chunkedWithin(r) {
		return http.StatusRequestEntityTooLarge, "too_large",
			fmt.Sprintf("the chunked body exceeds the limit of %d bytes", s.opts.MaxJSONBytes)
	}
	return 0, "", ""
}

// chunkedWithin reads a body sent without a length (chunked) up to the limit, before
// routing, as the Python apps' body rules do: false as soon as it is longer; else the
// request carries it on, read, with its length.
func (s *Server) chunkedWithin(r *http.Request) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, s.opts.MaxJSONBytes+1))
	if err != nil || int64(len(body)) > s.opts.MaxJSONBytes {
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return true
}

func (s *Server) healthz(w *exchange, _ *http.Request) {
	writeJSON(w, http.StatusOK, []byte(`{"status":"ok"}`))
}
