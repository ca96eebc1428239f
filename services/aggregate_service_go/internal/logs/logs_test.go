package logs

import (
	"bytes"
	"testing"
	"time"
)

func TestJSONLines(t *testing.T) {
	var out bytes.Buffer
	l := New(&out, Info, false)
	l.now = func() time.Time { return time.Date(2025, 3, 14, 9, 26, 53, 589_000_000, time.UTC) }
	l.Log(Debug, "aggregate-service", "not written", Fields{})
	l.Log(Warning, "aggregate-service", "é \"quoted\"", Fields{InvoiceID: "INV-1"})
	want := `{"time": "2025-03-14T09:26:53.589Z", "level": "WARNING", "logger": "aggregate-service", ` +
		`"message": "é \"quoted\"", "invoice_id": "INV-1"}` + "\n"
	if out.String() != want {
		t.Fatalf("\n got %s\nwant %s", out.String(), want)
	}
}

func TestTextLines(t *testing.T) {
	var out bytes.Buffer
	l := New(&out, Debug, true)
	l.now = func() time.Time { return time.Date(2025, 3, 14, 9, 26, 53, 589_000_000, time.Local) }
	l.Log(Info, "aggregate-service", "hello", Fields{})
	if out.String() != "2025-03-14 09:26:53,589 INFO aggregate-service hello\n" {
		t.Fatal(out.String())
	}
}

func TestParseLevel(t *testing.T) {
	for text, want := range map[string]Level{"debug": Debug, "INFO": Info, "Warning": Warning, "warn": Warning, "error": Error} {
		if got, err := ParseLevel(text); err != nil || got != want {
			t.Errorf("%s: %v %v", text, got, err)
		}
	}
	if _, err := ParseLevel("loud"); err == nil {
		t.Error("loud accepted")
	}
}
