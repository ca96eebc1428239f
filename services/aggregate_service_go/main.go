// aggregate-service-go: the aggregate service (POST /aggregate merges the pages of one
// invoice) in Go, a drop-in for the Python one: same HTTP contract, same answers.
//
//	APP_API_TOKEN=... aggregate-service-go --host 127.0.0.1 --port 7104 [--access-log]
//
// Settings, as the Python app reads them: APP_API_TOKEN (required, at least 16
// characters), MAX_JSON_BYTES, LOG_LEVEL, LOG_FORMAT (json|text), and for GET /status
// DAPR_HOST, DAPR_HTTP_PORT, DAPR_API_TOKEN. APP_PORT is the port when --port is not
// given.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"invoice/aggregate-service-go/internal/config"
	"invoice/aggregate-service-go/internal/httpapi"
	"invoice/aggregate-service-go/internal/logs"
)

// shutdownGrace is how long requests in flight get to finish after SIGTERM/SIGINT.
const shutdownGrace = 10 * time.Second

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	log, err := newLogger()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fail := func(err error) int {
		log.Log(logs.Critical, httpapi.AppID, err.Error(), logs.Fields{})
		return 1
	}
	defaultPort, err := config.Port(config.OSEnv)
	if err != nil {
		return fail(err)
	}
	flags := flag.NewFlagSet("aggregate-service-go", flag.ContinueOnError)
	host := flags.String("host", "127.0.0.1", "address to listen on")
	port := flags.Int("port", defaultPort, "port to listen on (default: APP_PORT, else 7104)")
	// One line per request only when asked: every deployment runs the Python apps with
	// uvicorn's --no-access-log, which is accepted here too.
	accessLog := flags.Bool("access-log", false, "log one line per request")
	noAccessLog := flags.Bool("no-access-log", false, "log no line per request (the default; as uvicorn's flag)")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	token, err := config.AppToken(config.OSEnv)
	if err != nil {
		return fail(err)
	}
	maxJSON, err := config.MaxJSONBytes(config.OSEnv)
	if err != nil {
		return fail(err)
	}
	handler := httpapi.New(httpapi.Options{
		Token: token, MaxJSONBytes: maxJSON, AccessLog: *accessLog && !*noAccessLog, Log: log, Env: config.OSEnv,
	})
	address := net.JoinHostPort(*host, strconv.Itoa(*port))
	listener, err := net.Listen("tcp", address)
	if err != nil {
		return fail(err)
	}
	server := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 30 * time.Second,
		// Longer than the sidecar's client keeps an idle connection, so the server is
		// never the one closing it under a request about to be sent.
		IdleTimeout: 120 * time.Second,
		// "OPTIONS *" is a request like any other here: refused without the token.
		DisableGeneralOptionsHandler: true,
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	log.Log(logs.Info, httpapi.AppID, fmt.Sprintf("aggregate-service-go (Go) serving on http://%s (pid %d)", address, os.Getpid()), logs.Fields{})

	select {
	case err := <-served:
		return fail(err)
	case sig := <-stop:
		log.Log(logs.Info, httpapi.AppID, fmt.Sprintf("Shutting down on %s", sig), logs.Fields{})
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := server.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fail(err)
	}
	log.Log(logs.Info, httpapi.AppID, "Finished server process", logs.Fields{})
	return 0
}

// newLogger: JSON lines on stderr unless LOG_FORMAT=text; level from LOG_LEVEL.
func newLogger() (*logs.Logger, error) {
	level := logs.Info
	if text, ok := config.OSEnv("LOG_LEVEL"); ok {
		parsed, err := logs.ParseLevel(text)
		if err != nil {
			return nil, err
		}
		level = parsed
	}
	format := "json"
	if text, ok := config.OSEnv("LOG_FORMAT"); ok {
		format = strings.ToLower(text)
	}
	if format != "json" && format != "text" {
		return nil, fmt.Errorf("LOG_FORMAT must be json or text, not %q", format)
	}
	return logs.New(os.Stderr, level, format == "text"), nil
}
