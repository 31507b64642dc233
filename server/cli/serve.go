package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
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
	Addr    string `default:"127.0.0.1:8080" help:"Address to listen on, host:port."`
	BaseURL string `help:"Public URL of Gatehouse for links (default http://ADDR)."`
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
	if (cmd.TLSCert == "") != (cmd.TLSKey == "") {
		return errors.New("set both --tls-cert and --tls-key, or neither")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	st, keys, err := cmd.StoreFlags.openOrCreate(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	assets, err := build.Assets()
	if err != nil {
		return err
	}
	var mailer *notify.Sender
	if cmd.SMTPURL != "" {
		if mailer, err = notify.NewSender(st, cmd.SMTPURL, cmd.SMTPFrom); err != nil {
			return err
		}
		go mailer.Run(ctx)
	}
	srv, err := server.New(server.Config{
		SecureCookies:  cmd.SecureCookies || cmd.TLSCert != "",
		TrustedProxies: cmd.TrustedProxies,
		Mailer:         mailer,
		BaseURL:        strings.TrimSuffix(cmd.BaseURL, "/"),
	}, st, keys, assets)
	if err != nil {
		return err
	}

	listener, err := net.Listen("tcp", cmd.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cmd.Addr, err)
	}
	if err := cmd.announceSetup(ctx, srv, listener.Addr()); err != nil {
		return err
	}
	go srv.CleanUp(ctx, 10*time.Minute)
	if cmd.PprofAddr != "" {
		if err := servePprof(cmd.PprofAddr); err != nil {
			return err
		}
	}

	httpServer := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 * 1024,
	}
	releaseStartupMemory()
	served := make(chan error, 1)
	go func() {
		if cmd.TLSCert != "" {
			served <- httpServer.ServeTLS(listener, cmd.TLSCert, cmd.TLSKey)
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
