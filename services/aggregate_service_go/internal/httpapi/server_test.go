package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"invoice/aggregate-service-go/internal/logs"
)

const token = "test-token-0123456789"

func newServer(t *testing.T, env map[string]string) *Server {
	t.Helper()
	return New(Options{
		Token:        token,
		MaxJSONBytes: 1000,
		Log:          logs.New(io.Discard, logs.Info, false),
		Env: func(name string) (string, bool) {
			v, ok := env[name]
			return v, ok
		},
	})
}

type call struct {
	method, path, body, contentType string
	headers                         map[string]string
	noToken                         bool
}

type answer struct {
	status  int
	header  http.Header
	body    string
	errKind string
	message string
}

func do(t *testing.T, s *Server, c call) answer {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	r := httptest.NewRequest(c.method, c.path, body)
	if !c.noToken {
		r.Header.Set("dapr-api-token", token)
	}
	if c.contentType != "" {
		r.Header.Set("Content-Type", c.contentType)
	}
	for k, v := range c.headers {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	a := answer{status: w.Code, header: w.Header(), body: w.Body.String()}
	var shape map[string]string
	if w.Code >= 400 && json.Unmarshal(w.Body.Bytes(), &shape) == nil {
		if len(shape) != 2 {
			t.Errorf("not the error shape: %s", a.body)
		}
		a.errKind, a.message = shape["error"], shape["message"]
	}
	return a
}

const onePage = `{"invoice_id":"INV-1","pages":[{"invoice_id":"INV-1","page_number":1,"total":12.345}]}`

func TestRefusals(t *testing.T) {
	s := newServer(t, nil)
	cases := []struct {
		name    string
		call    call
		status  int
		kind    string
		message string
		header  [2]string // a header the answer must carry
	}{
		{"no token", call{method: "POST", path: "/aggregate", body: onePage, contentType: "application/json", noToken: true},
			401, "unauthorized", "this service takes calls only through its Dapr sidecar (dapr-api-token)",
			[2]string{"WWW-Authenticate", "dapr-api-token"}},
		{"a wrong token", call{method: "GET", path: "/status", headers: map[string]string{"dapr-api-token": token + "x"}},
			401, "unauthorized", "this service takes calls only through its Dapr sidecar (dapr-api-token)", [2]string{}},
		{"the token is checked before routing", call{method: "GET", path: "/nothing", noToken: true},
			401, "unauthorized", "this service takes calls only through its Dapr sidecar (dapr-api-token)", [2]string{}},
		{"no such path", call{method: "GET", path: "/nothing"}, 404, "not_found", "there is nothing at /nothing", [2]string{}},
		{"/readyz is open, and not a route here", call{method: "GET", path: "/readyz", noToken: true},
			404, "not_found", "there is nothing at /readyz", [2]string{}},
		{"a wrong method", call{method: "GET", path: "/aggregate"}, 405, "method_not_allowed",
			"/aggregate does not take GET; it takes POST", [2]string{"Allow", "POST"}},
		{"HEAD is not GET", call{method: "HEAD", path: "/healthz", noToken: true}, 405, "method_not_allowed",
			"/healthz does not take HEAD; it takes GET", [2]string{"Allow", "GET"}},
		{"not JSON", call{method: "POST", path: "/aggregate", body: "invoice_id=INV-1",
			contentType: "application/x-www-form-urlencoded"},
			415, "unsupported_media_type", "send application/json, not application/x-www-form-urlencoded", [2]string{}},
		{"no media type", call{method: "POST", path: "/aggregate", body: onePage},
			415, "unsupported_media_type", "send application/json, not no type", [2]string{}},
		{"the media type before the path", call{method: "PUT", path: "/nothing", body: "x", contentType: "text/plain"},
			415, "unsupported_media_type", "send application/json, not text/plain", [2]string{}},
		{"too large", call{method: "POST", path: "/aggregate", body: strings.Repeat(" ", 1001) + "{}",
			contentType: "application/json"},
			413, "too_large", "the body is 1003 bytes; the limit is 1000", [2]string{}},
		{"malformed JSON", call{method: "POST", path: "/aggregate", body: `{"invoice_id": `, contentType: "application/json; charset=utf-8"},
			400, "malformed_body", "the body could not be read: malformed JSON or form data, or not UTF-8 (Expecting value)", [2]string{}},
		{"not UTF-8", call{method: "POST", path: "/aggregate", body: "\"\xff\"", contentType: "application/json"},
			400, "malformed_body", "the body could not be read: malformed JSON or form data, or not UTF-8", [2]string{}},
		{"no body", call{method: "POST", path: "/aggregate", contentType: "application/json"},
			422, "invalid_request", "body: Field required", [2]string{}},
		{"not the contract", call{method: "POST", path: "/aggregate", body: `{"invoice_id":"INV-1","pages":[]}`,
			contentType: "application/json"},
			422, "invalid_request", "pages: List should have at least 1 item after validation, not 0", [2]string{}},
		{"an answer Python cannot write", call{method: "POST", path: "/aggregate", contentType: "application/json",
			body: `{"invoice_id":"A","pages":[{"invoice_id":"A","page_number":1,"vendor_name":"\udc00"}]}`},
			500, "internal_error", "PydanticSerializationError: Error serializing to JSON: UnicodeEncodeError: " +
				"'utf-8' codec can't encode character '\\udc00' in position 0: surrogates not allowed", [2]string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := do(t, s, c.call)
			if got.status != c.status || got.errKind != c.kind || got.message != c.message {
				t.Errorf("got %d %q %q\nwant %d %q %q", got.status, got.errKind, got.message, c.status, c.kind, c.message)
			}
			if c.header[0] != "" && got.header.Get(c.header[0]) != c.header[1] {
				t.Errorf("%s: %q", c.header[0], got.header.Get(c.header[0]))
			}
			if ct := got.header.Get("Content-Type"); c.call.method != "HEAD" && ct != "application/json" {
				t.Errorf("content type %q", ct)
			}
		})
	}
}

func TestATrailingSlashRedirectsToTheRoute(t *testing.T) {
	got := do(t, newServer(t, nil), call{method: "POST", path: "/aggregate/?x=1"})
	if got.status != http.StatusTemporaryRedirect || got.header.Get("Location") != "http://example.com/aggregate?x=1" {
		t.Fatal(got.status, got.header)
	}
}

func TestHealthzIsOpen(t *testing.T) {
	got := do(t, newServer(t, nil), call{method: "GET", path: "/healthz", noToken: true})
	if got.status != 200 || got.body != `{"status":"ok"}` {
		t.Fatal(got.status, got.body)
	}
}

func TestAggregateAnswersTheMergedInvoice(t *testing.T) {
	got := do(t, newServer(t, nil), call{method: "POST", path: "/aggregate", body: onePage, contentType: "application/json"})
	want := `{"confidence":{"total":0.5},"source":{"total":"text"},"invoice_number":null,"invoice_date":null,` +
		`"due_date":null,"vendor_name":null,"customer_name":null,"currency":null,"subtotal":null,"tax":null,` +
		`"total":12.34,"invoice_id":"INV-1","line_items":[],"page_count":1,"warnings":["No page shows the invoice number.",` +
		`"No page shows the invoice date.","No page shows the vendor name.","No page shows the currency."]}`
	if got.status != 200 || got.body != want {
		t.Fatalf("%d\n got %s\nwant %s", got.status, got.body, want)
	}
}

func postChunked(t *testing.T, s *Server, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("POST", path, io.MultiReader(strings.NewReader(body)))
	r.ContentLength = -1
	r.TransferEncoding = []string{"chunked"}
	r.Header.Set("dapr-api-token", token)
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// As the Python apps' body rules: refused before routing, whatever the path, in the
// same words; a chunked body within the limit reaches the route whole.
func TestAChunkedBodyIsHeldToTheLimitToo(t *testing.T) {
	s := newServer(t, nil)
	for _, path := range []string{"/aggregate", "/healthz", "/nothing"} {
		w := postChunked(t, s, path, strings.Repeat(" ", 2000)+"{}")
		want := `{"error":"too_large","message":"the chunked body exceeds the limit of 1000 bytes"}`
		if w.Code != http.StatusRequestEntityTooLarge || strings.ReplaceAll(w.Body.String(), " ", "") != strings.ReplaceAll(want, " ", "") {
			t.Fatal(path, w.Code, w.Body)
		}
	}
	if w := postChunked(t, s, "/aggregate", onePage); w.Code != http.StatusOK {
		t.Fatal(w.Code, w.Body)
	}
}

func TestMetricsCountRequestsByRouteTemplate(t *testing.T) {
	s := newServer(t, nil)
	do(t, s, call{method: "POST", path: "/aggregate", body: onePage, contentType: "application/json"})
	do(t, s, call{method: "GET", path: "/nothing", noToken: true})
	do(t, s, call{method: "BREW", path: "/aggregate"})
	got := do(t, s, call{method: "GET", path: "/metrics", noToken: true})
	if got.header.Get("Content-Type") != "text/plain; version=0.0.4; charset=utf-8" {
		t.Error(got.header.Get("Content-Type"))
	}
	for _, line := range []string{
		`invoice_http_requests_total{app="aggregate-service",method="POST",route="/aggregate",status="200"} 1.0`,
		`invoice_http_requests_total{app="aggregate-service",method="GET",route="unmatched",status="401"} 1.0`,
		`invoice_http_requests_total{app="aggregate-service",method="other",route="/aggregate",status="405"} 1.0`,
		`invoice_http_request_duration_seconds_bucket{app="aggregate-service",route="/aggregate",le="1.0"} 2.0`,
		`invoice_http_request_duration_seconds_count{app="aggregate-service",route="unmatched"} 1.0`,
		"# TYPE invoice_http_request_duration_seconds histogram",
	} {
		if !strings.Contains(got.body, line+"\n") {
			t.Errorf("no line %s in\n%s", line, got.body)
		}
	}
}

func TestStatusWithoutASidecar(t *testing.T) {
	got := do(t, newServer(t, nil), call{method: "GET", path: "/status"})
	want := `{"app_id":"aggregate-service","sidecar":null,"sidecar_error":"RuntimeError: DAPR_HTTP_PORT is not set: ` +
		`this app was started without a sidecar","gauges":{}}`
	if got.status != 200 || got.body != want {
		t.Fatal(got.status, got.body)
	}
}

func TestStatusSummarizesTheSidecarsMetadata(t *testing.T) {
	var seen string
	sidecar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Get("dapr-api-token")
		if r.URL.Path != "/v1.0/metadata" {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, `{"id":"aggregate-service","runtimeVersion":"1.15.4",
			"actorRuntime":{"activeActors":[{"type":"b"},{"type":"a"}],"placement":"placement: connected"},
			"components":[{"name":"statestore","type":"state.redis","version":""}],
			"appConnectionProperties":{"port":7104,"protocol":"http"},
			"scheduler":{"connected_addresses":["127.0.0.1:50006"]},"workflows":{"connectedWorkers":2}}`)
	}))
	defer sidecar.Close()
	host, port, _ := strings.Cut(strings.TrimPrefix(sidecar.URL, "http://"), ":")
	s := newServer(t, map[string]string{"DAPR_HOST": host, "DAPR_HTTP_PORT": port, "DAPR_API_TOKEN": "sidecar-token"})
	got := do(t, s, call{method: "GET", path: "/status"})
	want := `{"app_id":"aggregate-service","sidecar":{"app_id":"aggregate-service","runtime_version":"1.15.4",` +
		`"dapr_http_port":` + port + `,"app_port":7104,"app_protocol":"http","app_max_concurrency":null,` +
		`"components":["statestore (state.redis/v1)"],"actor_types":["a","b"],"enabled_features":[],` +
		`"placement":"placement: connected","scheduler":["127.0.0.1:50006"],"workflow_workers":2},` +
		`"sidecar_error":null,"gauges":{}}`
	if got.status != 200 || got.body != want || seen != "sidecar-token" {
		t.Fatalf("%d %q\n got %s\nwant %s", got.status, seen, got.body, want)
	}

	sidecar.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
	})
	got = do(t, s, call{method: "GET", path: "/status"})
	var status map[string]any
	_ = json.Unmarshal([]byte(got.body), &status)
	if !strings.HasPrefix(status["sidecar_error"].(string), "HTTPStatusError: Client error '401 Unauthorized' for url") {
		t.Fatal(got.body)
	}
}

func TestOpenAPIIsThePythonAppsDocument(t *testing.T) {
	got := do(t, newServer(t, nil), call{method: "GET", path: "/openapi.json"})
	var spec struct {
		Info  struct{ Title string }
		Paths map[string]any
	}
	if err := json.Unmarshal([]byte(got.body), &spec); err != nil || spec.Info.Title != "aggregate-service" ||
		spec.Paths["/aggregate"] == nil {
		t.Fatal(err, got.body[:min(200, len(got.body))])
	}
}

func TestTheTokenIsComparedAsStarletteReadsIt(t *testing.T) {
	s := New(Options{Token: "tökentökentökentöken", MaxJSONBytes: 1000, Log: logs.New(io.Discard, logs.Info, false)})
	r := httptest.NewRequest("GET", "/healthz/", nil)
	r.Header.Set("dapr-api-token", "tökentökentökentöken") // UTF-8 bytes, read as Latin-1 by Starlette
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != http.StatusUnauthorized {
		t.Fatal(w.Code)
	}
}

func TestAccessLogNamesTheInvoice(t *testing.T) {
	var out bytes.Buffer
	s := New(Options{Token: token, MaxJSONBytes: 1000, AccessLog: true, Log: logs.New(&out, logs.Info, false)})
	do(t, s, call{method: "POST", path: "/aggregate", body: onePage, contentType: "application/json"})
	var line map[string]string
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatal(err, out.String())
	}
	if line["level"] != "INFO" || line["invoice_id"] != "INV-1" || !strings.HasSuffix(line["message"], `"POST /aggregate HTTP/1.1" 200`) {
		t.Fatal(line)
	}
}

func TestAPathThatIsNotUTF8IsNamedAsUvicornDecodesIt(t *testing.T) {
	for path, want := range map[string]string{
		"/%e2%82":    "/\ufffd",
		"/%ff/x":     "/\ufffd/x",
		"/%ed%a0%80": "/\ufffd\ufffd\ufffd",
		"/%f0%9f%98": "/\ufffd",
		"/caf%C3%A9": "/café",
	} {
		got := do(t, newServer(t, nil), call{method: "GET", path: path})
		if got.message != "there is nothing at "+want {
			t.Errorf("%s: %q", path, got.message)
		}
	}
}
