package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fieldproof/fieldproof/scripts/internal/loopback"
)

// proxy stands between fieldproof and a shared service (PostgreSQL) so a
// drill can take the service away without stopping it for everyone else:
//
//	forward  pass bytes through
//	refuse   close the listener (new connections get ECONNREFUSED, as from a
//	         stopped server) and cut every open connection
//	hang     accept and never answer (a paused process, a black-holed
//	         network), cutting every open connection
//
// The mode is switched with GET http://CONTROL/mode?set=MODE.
//
// With several targets (-target A,B) it is a round-robin load balancer in
// front of fieldproof replicas: each new connection goes to the next
// target, and a target that refuses (a killed replica) is skipped, as a
// load balancer's health check would.
type proxy struct {
	listen  string
	targets []string
	next    int

	mu    sync.Mutex
	mode  string
	ln    net.Listener
	conns map[net.Conn]bool
}

func proxyCmd(args []string) error {
	fs := flag.NewFlagSet("proxy", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:15490", "proxy address (loopback)")
	target := fs.String("target", "127.0.0.1:5432", "the service (loopback); several, comma-separated, are taken in turn")
	control := fs.String("control", "127.0.0.1:15491", "control HTTP address (loopback)")
	maxRun := fs.Duration("d", 30*time.Minute, "exit after this long at most")
	_ = fs.Parse(args)
	targets := strings.Split(*target, ",")
	for _, a := range append([]string{*listen, *control}, targets...) {
		if err := loopback.Check("tcp://" + a); err != nil {
			return err
		}
	}
	p := &proxy{listen: *listen, targets: targets, mode: "forward", conns: map[net.Conn]bool{}}
	if err := p.open(); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/mode", func(w http.ResponseWriter, r *http.Request) {
		if m := r.URL.Query().Get("set"); m != "" {
			if err := p.set(m); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		}
		p.mu.Lock()
		fmt.Fprintln(w, p.mode)
		p.mu.Unlock()
	})
	cln, err := net.Listen("tcp", *control)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(cln) }()
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancel()
	select {
	case <-ctx.Done():
	case <-time.After(*maxRun):
		fmt.Fprintln(os.Stderr, "proxy: time limit reached")
	}
	_ = srv.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		_ = p.ln.Close()
	}
	p.cut()
	return nil
}

func (p *proxy) open() error {
	var err error
	for i := 0; i < 50; i++ { // the old socket may linger briefly
		var ln net.Listener
		if ln, err = net.Listen("tcp", p.listen); err == nil {
			p.ln = ln
			go p.serve(ln)
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

func (p *proxy) set(m string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch m {
	case "forward", "refuse", "hang":
	default:
		return fmt.Errorf("unknown mode %q", m)
	}
	p.mode = m
	p.cut()
	if m == "refuse" && p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	if m != "refuse" && p.ln == nil {
		return p.open()
	}
	return nil
}

func (p *proxy) cut() {
	for c := range p.conns {
		_ = c.Close()
	}
	clear(p.conns)
}

func (p *proxy) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		mode := p.mode
		p.conns[c] = true
		p.mu.Unlock()
		if mode == "forward" {
			go p.forward(c)
		} // hang: held open, never read, until the mode changes
	}
}

// dial connects to the next target that answers.
func (p *proxy) dial() (net.Conn, error) {
	p.mu.Lock()
	start := p.next
	p.next++
	p.mu.Unlock()
	// Each connection tries every target once from its own turn, however
	// other connections' turns interleave.
	var err error
	for i := range p.targets {
		t := p.targets[(start+i)%len(p.targets)]
		var up net.Conn
		if up, err = net.DialTimeout("tcp", t, 5*time.Second); err == nil {
			return up, nil
		}
	}
	return nil, err
}

func (p *proxy) forward(c net.Conn) {
	up, err := p.dial()
	if err != nil {
		_ = c.Close()
		return
	}
	p.mu.Lock()
	if !p.conns[c] { // cut while dialling
		p.mu.Unlock()
		_ = up.Close()
		return
	}
	p.conns[up] = true
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		_ = dst.Close()
		_ = src.Close()
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	<-done
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, up)
	p.mu.Unlock()
}
