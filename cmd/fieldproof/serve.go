package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
)

func serve(ctx context.Context, demo bool, stdout io.Writer) error {
	a, err := open(ctx, stdout, false)
	if err != nil {
		return err
	}
	defer a.close()
	adminExisted, err := a.ensureAdmin(ctx, stdout)
	if err != nil {
		return err
	}
	if demo || a.cfg.Demo {
		if err := a.loadDemo(ctx, stdout); err != nil {
			return err
		}
	}
	srv := a.srv.HTTPServer(a.cfg, context.WithoutCancel(ctx))
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	bg, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	if a.cfg.DebugAddr != "" {
		if _, err := debugServer(bg, a.cfg.DebugAddr, a.log); err != nil {
			stopBackground()
			return err
		}
	}
	done := a.srv.Background(bg)
	a.log.Info("serving", "addr", ln.Addr().String())
	banner(stdout, ln.Addr(), adminExisted && a.cfg.AdminPassword == "")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		stopBackground()
		<-done
		return err
	case <-ctx.Done():
	}
	// Drain: stop accepting, let in-flight requests finish within the
	// configured time, then stop background workers.
	a.log.Info("shutting down", "timeout", a.cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	stopBackground()
	select {
	case <-done:
	case <-sctx.Done():
		a.log.Warn("background work did not stop in time")
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	a.log.Info("stopped")
	return nil
}

// ensureAdmin creates the first admin, and reports whether one existed
// before this start.
func (a *app) ensureAdmin(ctx context.Context, stdout io.Writer) (existed bool, err error) {
	created, generated, err := a.srv.Auth.EnsureAdmin(ctx, a.cfg.AdminPassword)
	if err != nil {
		return false, fmt.Errorf("create admin: %w", err)
	}
	if created && generated != "" {
		// Printed once, on stdout beside the logs, so the person who
		// started the server can log in; it is never logged or stored.
		fmt.Fprintf(stdout, "\n  Created user 'admin' with one-time password: %s\n  (set FIELDPROOF_ADMIN_PASSWORD to choose it instead)\n\n", generated)
	} else if created {
		a.log.Info("created admin user from FIELDPROOF_ADMIN_PASSWORD")
	}
	return !created, nil
}

// banner tells the person who started the server where to go next, on
// stdout beside the logs: the API's base URL from the address actually
// listened on, and — when the admin was made at an earlier start, whose
// one-time password scrolled past then — how to set its password now.
func banner(w io.Writer, addr net.Addr, adminFromEarlierStart bool) {
	base := baseURL(addr)
	fmt.Fprintf(w, "\n  fieldproof is listening on %s\n", addr)
	fmt.Fprintf(w, "    console     %s/console/ (the office, in a browser)\n", base)
	fmt.Fprintf(w, "    field app   %s/app/ (inspectors and volunteers, on a phone)\n", base)
	fmt.Fprintf(w, "    API         %s/api/v1\n", base)
	fmt.Fprintf(w, "    contract    %s/api/openapi.yaml\n", base)
	fmt.Fprintf(w, "    ready       %s/readyz (200 once the database and object store answer)\n", base)
	if adminFromEarlierStart {
		fmt.Fprintf(w, "  The user 'admin' was created at an earlier start, which printed its one-time password.\n"+
			"  Lost it? With the same FIELDPROOF_* environment, run:\n"+
			"    FIELDPROOF_NEW_USER_PASSWORD='a new password' fieldproof user set-password --username admin\n")
	}
	fmt.Fprintln(w)
}

// baseURL is how a browser or curl on this machine reaches addr: an
// address on every interface (":8080", "[::]:8080") is reached at
// localhost.
func baseURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func migrate(ctx context.Context, stdout io.Writer) error {
	a, err := open(ctx, stdout, true)
	if err != nil {
		return err
	}
	defer a.close()
	return version(ctx, stdout)
}

func version(ctx context.Context, stdout io.Writer) error {
	a, err := open(ctx, io.Discard, false)
	if err != nil {
		return err
	}
	defer a.close()
	cur, latest, err := a.db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema version %d (latest %d)\n", cur, latest)
	return nil
}
