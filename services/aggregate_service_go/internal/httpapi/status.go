package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"invoice/aggregate-service-go/internal/config"
	"invoice/aggregate-service-go/internal/pyjson"
)

// sidecarTimeout bounds the read of the sidecar's metadata.
const sidecarTimeout = 3 * time.Second

var sidecarClient = &http.Client{
	Timeout: sidecarTimeout,
	// httpx does not follow redirects unless told: a 3xx is an error to report.
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// status is GET /status: what this app's own Dapr sidecar says about it (its
// /v1.0/metadata, summarized), or why it could not be read (invoice_shared.sidecar_status).
func (s *Server) status(w *exchange, r *http.Request) {
	env := s.opts.Env
	host, ok := env("DAPR_HOST")
	if !ok {
		host = "127.0.0.1"
	}
	token, _ := env("DAPR_API_TOKEN")
	var port *int64
	if text, ok := env("DAPR_HTTP_PORT"); ok {
		n, err := config.ParseInt(text)
		if err != nil {
			s.unexpected(w, "ValidationError: 1 validation error for SidecarSettings\ndapr_http_port\n"+
				"  Input should be a valid integer, unable to parse string as an integer "+
				"[type=int_parsing, input_value="+pyRepr(text)+", input_type=str]\n"+
				"    For further information visit https://errors.pydantic.dev/2.14/v/int_parsing")
			return
		}
		port = &n
	}
	answer := serviceStatus{AppID: AppID, Gauges: map[string]int{}}
	if port == nil {
		message := "RuntimeError: DAPR_HTTP_PORT is not set: this app was started without a sidecar"
		answer.SidecarError = &message
	} else {
		metadata, failure, fatal := readMetadata(r.Context(), host, *port, token)
		switch {
		case fatal != "":
			s.unexpected(w, fatal)
			return
		case failure != "":
			answer.SidecarError = &failure
		default:
			answer.Sidecar = summarize(metadata, *port)
		}
	}
	var out bytes.Buffer
	encoder := json.NewEncoder(&out)
	encoder.SetEscapeHTML(false) // pydantic escapes only what JSON requires
	_ = encoder.Encode(answer)
	writeJSON(w, http.StatusOK, bytes.TrimSuffix(out.Bytes(), []byte("\n")))
}

// serviceStatus and sidecarSummary are Python's ServiceStatus and SidecarSummary, in
// their field order.
type serviceStatus struct {
	AppID        string          `json:"app_id"`
	Sidecar      *sidecarSummary `json:"sidecar"`
	SidecarError *string         `json:"sidecar_error"`
	Gauges       map[string]int  `json:"gauges"`
}

type sidecarSummary struct {
	AppID             any      `json:"app_id"`
	RuntimeVersion    any      `json:"runtime_version"`
	DaprHTTPPort      int64    `json:"dapr_http_port"`
	AppPort           any      `json:"app_port"`
	AppProtocol       any      `json:"app_protocol"`
	AppMaxConcurrency any      `json:"app_max_concurrency"`
	Components        []string `json:"components"`
	ActorTypes        []string `json:"actor_types"`
	EnabledFeatures   []any    `json:"enabled_features"`
	Placement         any      `json:"placement"`
	Scheduler         []any    `json:"scheduler"`
	WorkflowWorkers   any      `json:"workflow_workers"`
}

// readMetadata fetches the sidecar's metadata. failure is an error Python reports in
// sidecar_error (httpx's HTTPError, in its words); fatal is one it answers 500 for.
func readMetadata(ctx context.Context, host string, port int64, token string) (
	metadata map[string]any, failure, fatal string,
) {
	url := "http://" + host + ":" + strconv.FormatInt(port, 10) + "/v1.0/metadata"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", "InvalidURL: " + err.Error()
	}
	if token != "" {
		req.Header.Set("dapr-api-token", token)
	}
	resp, err := sidecarClient.Do(req)
	if err != nil {
		return nil, transportError(err), ""
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, "ReadError: " + err.Error(), ""
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, statusError(resp, url), ""
	}
	if err := json.Unmarshal(body, &metadata); err != nil || metadata == nil {
		return nil, "", "JSONDecodeError: the sidecar's metadata is not a JSON object"
	}
	return metadata, "", ""
}

// transportError names a failed call as httpx would: its exception type and text.
func transportError(err error) string {
	var netErr net.Error
	timeout := errors.As(err, &netErr) && netErr.Timeout() || errors.Is(err, os.ErrDeadlineExceeded)
	var opErr *net.OpError
	var dnsErr *net.DNSError
	dialing := errors.As(err, &opErr) && opErr.Op == "dial"
	switch {
	case timeout && dialing:
		return "ConnectTimeout: timed out"
	case timeout:
		return "ReadTimeout: timed out"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "ConnectError: [Errno 111] Connection refused"
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "ConnectError: [Errno -2] Name or service not known"
	case dialing:
		return "ConnectError: " + opErr.Err.Error()
	}
	return "RemoteProtocolError: " + err.Error()
}

// statusError is httpx's HTTPStatusError message for an answer that is not 2xx.
func statusError(resp *http.Response, url string) string {
	kinds := map[int]string{1: "Informational response", 3: "Redirect response", 4: "Client error", 5: "Server error"}
	kind, ok := kinds[resp.StatusCode/100]
	if !ok {
		kind = "Invalid status code"
	}
	reason := strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)+" ")
	message := fmt.Sprintf("HTTPStatusError: %s '%d %s' for url '%s'\n", kind, resp.StatusCode, reason, url)
	location := resp.Header.Get("Location")
	if slices.Contains([]int{301, 302, 303, 307, 308}, resp.StatusCode) && location != "" {
		message += "Redirect location: '" + location + "'\n"
	}
	return message + "For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/" +
		strconv.Itoa(resp.StatusCode)
}

// summarize keeps the parts of a sidecar's metadata an operator looks at.
func summarize(metadata map[string]any, port int64) *sidecarSummary {
	connection := object(metadata["appConnectionProperties"])
	actors := object(metadata["actorRuntime"])
	active := list(actors["activeActors"])
	if len(active) == 0 {
		active = list(metadata["actors"])
	}
	scheduler := object(metadata["scheduler"])
	addresses := list(scheduler["connected_addresses"])
	if len(addresses) == 0 {
		addresses = list(scheduler["connectedAddresses"])
	}
	components := []string{}
	for _, c := range list(metadata["components"]) {
		c := object(c)
		version := pyStr(c["version"])
		if !truthy(c["version"]) {
			version = "v1"
		}
		components = append(components, fmt.Sprintf("%s (%s/%s)", pyStr(c["name"]), pyStr(c["type"]), version))
	}
	actorTypes := []string{}
	for _, a := range active {
		actorTypes = append(actorTypes, pyStr(object(a)["type"]))
	}
	slices.Sort(actorTypes)
	return &sidecarSummary{
		AppID:             metadata["id"],
		RuntimeVersion:    metadata["runtimeVersion"],
		DaprHTTPPort:      port,
		AppPort:           connection["port"],
		AppProtocol:       connection["protocol"],
		AppMaxConcurrency: connection["maxConcurrency"],
		Components:        components,
		ActorTypes:        actorTypes,
		EnabledFeatures:   orEmpty(list(metadata["enabledFeatures"])),
		Placement:         actors["placement"],
		Scheduler:         orEmpty(addresses),
		WorkflowWorkers:   object(metadata["workflows"])["connectedWorkers"],
	}
}

// object and list read metadata as Python's `x or {}` does: anything else is empty.
func object(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func orEmpty(l []any) []any {
	if l == nil {
		return []any{}
	}
	return l
}

func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case string:
		return v != ""
	case bool:
		return v
	case float64:
		return v != 0
	}
	return true
}

// pyStr is Python's str() of a JSON value, as an f-string shows it.
func pyStr(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case string:
		return v
	case bool:
		if v {
			return "True"
		}
		return "False"
	case float64:
		if v == float64(int64(v)) {
			return strconv.FormatInt(int64(v), 10)
		}
		return pyjson.Repr(v)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// pyRepr is Python's repr() of a string, for the plain text an environment holds.
func pyRepr(s string) string {
	quote := "'"
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		quote = `"`
	}
	var b strings.Builder
	b.WriteString(quote)
	for _, r := range s {
		switch {
		case r == '\\' || string(r) == quote:
			b.WriteString(`\` + string(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7F:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteString(quote)
	return b.String()
}
