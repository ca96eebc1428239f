// Package logs writes log lines as the Python apps do (invoice_shared.logs): one JSON
// object per line on stderr with time, level, logger and message, and the invoice the
// line concerns; LOG_FORMAT=text gives plain lines for people at a terminal.
package logs

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"invoice/aggregate-service-go/internal/pyjson"
)

// Level is a Python logging level.
type Level int

const (
	Debug    Level = 10
	Info     Level = 20
	Warning  Level = 30
	Error    Level = 40
	Critical Level = 50
)

var levelNames = map[Level]string{
	Debug: "DEBUG", Info: "INFO", Warning: "WARNING", Error: "ERROR", Critical: "CRITICAL",
}

// ParseLevel reads LOG_LEVEL in any case, with the names Python's logging knows.
func ParseLevel(text string) (Level, error) {
	switch strings.ToUpper(text) {
	case "DEBUG":
		return Debug, nil
	case "INFO":
		return Info, nil
	case "WARNING", "WARN":
		return Warning, nil
	case "ERROR":
		return Error, nil
	case "CRITICAL", "FATAL":
		return Critical, nil
	case "NOTSET":
		return 0, nil
	}
	return 0, fmt.Errorf("LOG_LEVEL: unknown level %q", text)
}

// Logger writes lines at or above its level; safe for concurrent use.
type Logger struct {
	mu    sync.Mutex
	out   io.Writer
	level Level
	text  bool
	now   func() time.Time
}

// New is a logger writing JSON lines (or text lines) to out.
func New(out io.Writer, level Level, text bool) *Logger {
	return &Logger{out: out, level: level, text: text, now: time.Now}
}

// Enabled says whether a line at level would be written.
func (l *Logger) Enabled(level Level) bool { return level >= l.level }

// Fields a line may carry besides its message.
type Fields struct {
	InvoiceID string
	Exception string
}

// Log writes one line from `logger`.
func (l *Logger) Log(level Level, logger, message string, f Fields) {
	if !l.Enabled(level) {
		return
	}
	now := l.now()
	var line []byte
	if l.text {
		line = fmt.Appendf(nil, "%s,%03d %s %s %s\n", now.Format("2006-01-02 15:04:05"),
			now.Nanosecond()/1e6, levelNames[level], logger, message)
		if f.Exception != "" {
			line = append(line, f.Exception+"\n"...)
		}
	} else {
		// Python's json.dumps, default separators; non-ASCII stays as it is.
		line = append(line, `{"time": `...)
		line = quoted(line, now.UTC().Format("2006-01-02T15:04:05.000Z"))
		line = append(line, `, "level": `...)
		line = quoted(line, levelNames[level])
		line = append(line, `, "logger": `...)
		line = quoted(line, logger)
		line = append(line, `, "message": `...)
		line = quoted(line, message)
		if f.InvoiceID != "" {
			line = append(line, `, "invoice_id": `...)
			line = quoted(line, f.InvoiceID)
		}
		if f.Exception != "" {
			line = append(line, `, "exception": `...)
			line = quoted(line, f.Exception)
		}
		line = append(line, "}\n"...)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.out.Write(line)
}

// quoted writes s as a JSON string; a lone surrogate (a request can carry one) is
// replaced, since a log line must stay UTF-8.
func quoted(dst []byte, s string) []byte {
	out, err := pyjson.AppendString(dst, s)
	if err != nil {
		out, _ = pyjson.AppendString(dst, pyjson.Lossy(s))
	}
	return out
}
