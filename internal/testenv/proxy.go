package testenv

import (
	"io"
	"net"
	"sync"
	"testing"
)

// Fault is how a Proxy treats connections.
type Fault int

// The proxy's modes: pass bytes through, refuse (accept and close at once,
// as a stopped server looks), or hang (accept and never answer, as a paused
// process or a black-holed network looks).
const (
	Forward Fault = iota
	Refuse
	Hang
)

// Proxy is a TCP proxy on 127.0.0.1 in front of a real service, whose
// behaviour a test switches to show what callers do when the service stops
// or hangs, without stopping the shared service itself.
type Proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	fault Fault
	conns map[net.Conn]bool
}

// NewProxy starts a proxy to target (host:port); it stops when the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() {
		_ = ln.Close()
		p.Set(Forward)
	})
	return p
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Set switches the mode. Connections open at the switch are cut, so pooled
// client connections cannot slip past the new fault.
func (p *Proxy) Set(f Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault = f
	for c := range p.conns {
		_ = c.Close()
	}
	clear(p.conns)
}

func (p *Proxy) track(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns[c] = true
}

func (p *Proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		f := p.fault
		p.mu.Unlock()
		switch f {
		case Refuse:
			_ = c.Close()
		case Hang:
			// Held open and never read: Set or Cleanup closes it.
			p.track(c)
		default:
			go p.forward(c)
		}
	}
}

func (p *Proxy) forward(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = c.Close()
		return
	}
	p.track(c)
	p.track(up)
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
}
