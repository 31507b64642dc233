package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"gatehouse/server"
	"gatehouse/server/notify"
)

// ServeCmd runs the web server.
type ServeCmd struct {
	StoreFlags
	LogFlags
	Addr string `default:"127.0.0.1:8080" help:"Address to listen on, host:port."`
	// Without it, emails carry no link, the setup link uses ADDR, and an
	// invitation link uses the address that the admin's browser used.
	BaseURL string `help:"Public URL of Gatehouse for links, such as https://sign-in.example.org."`
	// Networks whose X-Forwarded-For header is believed.
	TrustedProxies []string `sep:"," help:"CIDR networks whose X-Forwarded-For is believed."`
	// Set when clients reach Gatehouse over HTTPS through a proxy.
	SecureCookies bool `help:"Mark the session cookie Secure and send HSTS."`
	// smtp://user:password@host:port (STARTTLS) or smtps://… (TLS).
	SMTPURL  string `name:"smtp-url" help:"SMTP server for emails to users; none sends no email."`
	SMTPFrom string `name:"smtp-from" help:"Sender address of the emails."`
	TLSCert  string `name:"tls-cert" help:"TLS certificate (PEM) to serve HTTPS with --tls-key."`
	TLSKey   string `name:"tls-key" help:"TLS private key file (PEM)."`
	// Profiling data reveals internals, so it is served on loopback only.
	PprofAddr string `name:"pprof-addr" help:"Serve Go's pprof profiles on this loopback address."`
}

// drainTimeout is how long a stopping server waits for requests in flight.
const drainTimeout = 20 * time.Second

// Run serves until SIGINT or SIGTERM, then drains requests in flight and
// closes the store.
func (cmd *ServeCmd) Run(build Build) error {
	cmd.LogFlags.setUp()
	tlsConfig, err := cmd.checkSettings()
	if err != nil {
		return err
	}
	assets, err := build.Assets()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	// Binding before the store is opened means a bad address or a port in
	// use fails before any database is created or migrated.
	listener, err := net.Listen("tcp", cmd.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cmd.Addr, err)
	}
	defer listener.Close()
	if cmd.PprofAddr != "" {
		if err := servePprof(cmd.PprofAddr); err != nil {
			return err
		}
	}

	st, keys, err := cmd.StoreFlags.openOrCreate(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	var mailer *notify.Sender
	if cmd.SMTPURL != "" {
		if mailer, err = notify.NewSender(st, cmd.SMTPURL, cmd.SMTPFrom); err != nil {
			return err
		}
		go mailer.Run(ctx)
	}
	srv, err := server.New(server.Config{
		SecureCookies:  cmd.SecureCookies || tlsConfig != nil,
		TrustedProxies: cmd.TrustedProxies,
		Mailer:         mailer,
		BaseURL:        strings.TrimSuffix(cmd.BaseURL, "/"),
	}, st, keys, assets)
	if err != nil {
		return err
	}

	if err := cmd.announceSetup(ctx, srv, listener.Addr()); err != nil {
		return err
	}
	go srv.CleanUp(ctx, 10*time.Minute)

	httpServer := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 * 1024,
		TLSConfig:         tlsConfig,
	}
	releaseStartupMemory()
	served := make(chan error, 1)
	go func() {
		if tlsConfig != nil {
			// The certificate is in TLSConfig already, so no file names.
			served <- httpServer.ServeTLS(listener, "", "")
			return
		}
		served <- httpServer.Serve(listener)
	}()
	slog.Info("Gatehouse is listening", "addr", listener.Addr().String(),
		"version", build.Version, "store", st.Dialect())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	slog.Info("Stopping: draining requests in flight", "timeout", drainTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	err = httpServer.Shutdown(shutdownCtx)
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("drain requests: %w", err)
	}
	slog.Info("Stopped")
	return nil
}

// checkSettings validates the flags that need no store, so that a bad one
// fails before anything is written. It returns the TLS configuration with
// the loaded certificate, or nil for plain HTTP.
func (cmd *ServeCmd) checkSettings() (*tls.Config, error) {
	if (cmd.TLSCert == "") != (cmd.TLSKey == "") {
		return nil, errors.New("set both --tls-cert and --tls-key, or neither")
	}
	if cmd.BaseURL != "" {
		if err := checkBaseURL(cmd.BaseURL); err != nil {
			return nil, err
		}
	}
	if cmd.SMTPFrom != "" {
		if _, err := mail.ParseAddress(cmd.SMTPFrom); err != nil {
			return nil, fmt.Errorf("invalid --smtp-from %q (%v): use an address such as "+
				"gatehouse@example.com or \"Gatehouse <gatehouse@example.com>\"",
				cmd.SMTPFrom, err)
		}
	}
	if cmd.SMTPURL != "" {
		// NewSender only parses its arguments and keeps the store for Run, so
		// a sender without a store checks the SMTP URL. Run makes the real one.
		if _, err := notify.NewSender(nil, cmd.SMTPURL, cmd.SMTPFrom); err != nil {
			return nil, err
		}
	}
	if cmd.TLSCert == "" {
		return nil, nil
	}
	certificate, err := tls.LoadX509KeyPair(cmd.TLSCert, cmd.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("load the TLS certificate %s and key %s: %w", cmd.TLSCert,
			cmd.TLSKey, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{certificate}}, nil
}

// checkBaseURL rejects a --base-url that cannot start the links in emails
// and the setup link, which append a path to it.
func checkBaseURL(raw string) error {
	parsed, err := url.Parse(raw)
	valid := err == nil && (parsed.Scheme == "http" || parsed.Scheme == "https") &&
		parsed.Host != "" && parsed.RawQuery == "" && parsed.Fragment == ""
	if !valid {
		return fmt.Errorf("invalid --base-url %q: use an absolute http or https URL "+
			"without a query, such as https://sign-in.example.com", raw)
	}
	return nil
}

// announceSetup logs a one-time setup link when the store is empty. The
// token sits in the URL fragment, which browsers never send to a server, so
// it stays out of proxies' access logs.
func (cmd *ServeCmd) announceSetup(ctx context.Context, srv *server.Server, addr net.Addr) error {
	token, err := srv.OpenSetup(ctx)
	if err != nil || token == "" {
		return err
	}
	base := strings.TrimSuffix(cmd.BaseURL, "/")
	if base == "" {
		base = "http://" + linkHost(addr.String())
	}
	slog.Info("No organisation yet: open this one-time link to set up Gatehouse, "+
		"or run `gatehouse setup`", "url", base+"/setup#token="+token)
	return nil
}

// linkHost turns a listening address into one a browser can open.
func linkHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
