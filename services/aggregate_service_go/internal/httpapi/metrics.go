package httpapi

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"invoice/aggregate-service-go/internal/pyjson"
)

// The HTTP metrics every Python app records (invoice_shared.metrics), by the same
// names, labels and buckets: the dashboard and alerts query them across apps.
const (
	requestsName = "invoice_http_requests_total"
	requestsHelp = "HTTP requests answered, by app, method, route template and status."
	durationName = "invoice_http_request_duration_seconds"
	durationHelp = "Time to answer an HTTP request, by app and route template."
)

// From a probe (milliseconds) to a slow OCR read (its 60 s limit).
var secondsBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60}

// Methods counted by name; any other is "other", so labels stay a bounded set.
var countedMethods = map[string]bool{
	"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "OPTIONS": true,
}

type requestKey struct{ method, route, status string }

type histogram struct {
	buckets []uint64 // cumulative counts are computed when written
	count   uint64
	sum     float64
}

type metrics struct {
	app     string
	started time.Time

	mu         sync.Mutex
	requests   map[requestKey]float64
	order      []requestKey // series in the order they first appeared, as Python lists them
	durations  map[string]*histogram
	routeOrder []string
}

func newMetrics(app string) *metrics {
	return &metrics{
		app: app, started: time.Now(),
		requests: map[requestKey]float64{}, durations: map[string]*histogram{},
	}
}

func (m *metrics) observe(method, route string, status int, elapsed time.Duration) {
	if !countedMethods[method] {
		method = "other"
	}
	key := requestKey{method, route, strconv.Itoa(status)}
	seconds := elapsed.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.requests[key]; !ok {
		m.order = append(m.order, key)
	}
	m.requests[key]++
	h := m.durations[route]
	if h == nil {
		h = &histogram{buckets: make([]uint64, len(secondsBuckets))}
		m.durations[route] = h
		m.routeOrder = append(m.routeOrder, route)
	}
	for i, bound := range secondsBuckets {
		if seconds <= bound {
			h.buckets[i]++
			break
		}
	}
	h.count++
	h.sum += seconds
}

// write is the Prometheus text format (0.0.4), numbers written as the Python client
// writes them (le="1.0"), so every app's series share their label values.
func (m *metrics) write(out *bytes.Buffer) {
	writeProcessMetrics(out, m.started)
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintf(out, "# HELP %s %s\n# TYPE %s counter\n", requestsName, requestsHelp, requestsName)
	for _, k := range m.order {
		fmt.Fprintf(out, "%s{app=%s,method=%s,route=%s,status=%s} %s\n", requestsName,
			label(m.app), label(k.method), label(k.route), label(k.status), goFloat(m.requests[k]))
	}
	fmt.Fprintf(out, "# HELP %s %s\n# TYPE %s histogram\n", durationName, durationHelp, durationName)
	for _, route := range m.routeOrder {
		h := m.durations[route]
		labels := "app=" + label(m.app) + ",route=" + label(route)
		var cumulative uint64
		for i, bound := range secondsBuckets {
			cumulative += h.buckets[i]
			fmt.Fprintf(out, "%s_bucket{%s,le=\"%s\"} %s\n", durationName, labels, goFloat(bound),
				goFloat(float64(cumulative)))
		}
		fmt.Fprintf(out, "%s_bucket{%s,le=\"+Inf\"} %s\n", durationName, labels, goFloat(float64(h.count)))
		fmt.Fprintf(out, "%s_count{%s} %s\n", durationName, labels, goFloat(float64(h.count)))
		fmt.Fprintf(out, "%s_sum{%s} %s\n", durationName, labels, goFloat(h.sum))
	}
}

// label quotes a label value with the escapes the text format defines.
func label(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v) + `"`
}

// goFloat is prometheus_client's floatToGoString: Python's repr, with Go's exponent
// for large positive values.
func goFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f):
		return "NaN"
	}
	s := pyjson.Repr(f)
	dot := strings.IndexByte(s, '.')
	if f > 0 && dot > 6 {
		mantissa := strings.TrimRight(s[:1]+"."+s[1:dot]+s[dot+1:], "0.")
		return fmt.Sprintf("%se+0%d", mantissa, dot-1)
	}
	return s
}

func (s *Server) serveMetrics(w *exchange, _ *http.Request) {
	var out bytes.Buffer
	s.metrics.write(&out)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(out.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out.Bytes())
}

// writeProcessMetrics writes the process_* gauges Prometheus' clients share, from
// /proc (Linux); elsewhere only the start time.
func writeProcessMetrics(out *bytes.Buffer, started time.Time) {
	gauge := func(name, help, kind string, v float64) {
		fmt.Fprintf(out, "# HELP %s %s\n# TYPE %s %s\n%s %s\n", name, help, name, kind, name, goFloat(v))
	}
	if stat, err := os.ReadFile("/proc/self/stat"); err == nil {
		// Fields after the command (which may hold spaces), from field 3 (state) on.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) > 22 {
			const ticks = 100 // USER_HZ
			utime, _ := strconv.ParseFloat(fields[11], 64)
			stime, _ := strconv.ParseFloat(fields[12], 64)
			vsize, _ := strconv.ParseFloat(fields[20], 64)
			rss, _ := strconv.ParseFloat(fields[21], 64)
			gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge", vsize)
			gauge("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge",
				rss*float64(os.Getpagesize()))
			gauge("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter",
				(utime+stime)/ticks)
		}
	}
	gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "gauge",
		float64(started.UnixNano())/1e9)
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		gauge("process_open_fds", "Number of open file descriptors.", "gauge", float64(len(fds)))
	}
	if limits, err := os.ReadFile("/proc/self/limits"); err == nil {
		for _, line := range strings.Split(string(limits), "\n") {
			if strings.HasPrefix(line, "Max open files") {
				if f := strings.Fields(line[len("Max open files"):]); len(f) > 0 {
					if n, err := strconv.ParseFloat(f[0], 64); err == nil {
						gauge("process_max_fds", "Maximum number of open file descriptors.", "gauge", n)
					}
				}
			}
		}
	}
}
