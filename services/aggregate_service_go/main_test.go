package main

import (
	"net"
	"net/http"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func TestRefusesToStartWithoutAToken(t *testing.T) {
	t.Setenv("APP_API_TOKEN", "too-short")
	if code := run([]string{"--port", "0"}); code != 1 {
		t.Fatal(code)
	}
}

func TestRefusesToStartWithABadBodyLimit(t *testing.T) {
	t.Setenv("APP_API_TOKEN", "a-token-long-enough-0123")
	t.Setenv("MAX_JSON_BYTES", "0")
	if code := run([]string{"--port", "0"}); code != 1 {
		t.Fatal(code)
	}
}

func TestServesUntilSIGTERM(t *testing.T) {
	t.Setenv("APP_API_TOKEN", "a-token-long-enough-0123")
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := probe.Addr().(*net.TCPAddr).Port
	_ = probe.Close()
	done := make(chan int, 1)
	go func() { done <- run([]string{"--host", "127.0.0.1", "--port", strconv.Itoa(port), "--no-access-log"}) }()
	url := "http://127.0.0.1:" + strconv.Itoa(port) + "/healthz"
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatal(resp.Status)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("not serving:", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatal(code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("still serving after SIGTERM")
	}
}
