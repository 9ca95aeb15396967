package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/internal/openstore"
	"github.com/latchkey-dev/latchkey/store/postgres"
)

// errUsage means the flag package already printed what was wrong.
var errUsage = errors.New("usage")

// shutdownGrace is how long in-flight requests may take to finish after
// SIGINT or SIGTERM.
const shutdownGrace = 30 * time.Second

func runCore(ctx context.Context, args []string, getenv func(string) string, _, stderr io.Writer) error {
	s, err := loadCoreSettings(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	logger := newLogger(stderr, s.LogFormat, s.LogLevel)
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return err
	}
	return serveCore(ctx, ln, s, logger, nil)
}

// serveCore runs a core on ln until ctx ends, then shuts down gracefully.
// ready, when set, is called once the core is serving.
func serveCore(ctx context.Context, ln net.Listener, s coreSettings, logger *slog.Logger, ready func(*core.Core)) error {
	defer ln.Close()
	if err := checkKeylessAddr(ln.Addr(), s); err != nil {
		return err
	}
	st, err := openstore.Open(ctx, s.DB, postgres.WithLogger(logger))
	if err != nil {
		return fmt.Errorf("opening %s: %w", openstore.Describe(s.DB), err)
	}
	defer st.Close()
	cfg := s.Core
	cfg.Store = st
	cfg.Logger = logger
	c, err := core.New(cfg)
	if err != nil {
		return err
	}
	defer c.Close()

	srv := &http.Server{
		Handler:           c,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("latchkey core listening", "addr", "http://"+ln.Addr().String(), "store", openstore.Describe(s.DB),
		"api_key_required", len(cfg.APIKeys) > 0)
	if ready != nil {
		ready(c)
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("latchkey core stopping: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("latchkey core stopped")
	return nil
}

// checkKeylessAddr refuses a core without API keys on an address that
// other machines can reach (0.0.0.0, a LAN address): without a key, anyone
// who reaches the port can read every user and create dashboard
// accounts. allow_keyless_remote says the network protects it.
func checkKeylessAddr(addr net.Addr, s coreSettings) error {
	if len(s.Core.APIKeys) > 0 || s.AllowKeylessRemote {
		return nil
	}
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to serve without an API key on %s, which other machines can reach: "+
		"set api_keys (--api-keys or LATCHKEY_API_KEYS), listen on 127.0.0.1, or, if a network boundary protects the core, "+
		"pass --allow-keyless-remote=true", addr)
}

func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
