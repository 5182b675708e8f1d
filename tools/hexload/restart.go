package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// The restart scenario (issue 15, item 8): o.players connected, the hub killed with SIGKILL and
// started again with o.restart; every client reconnects on its own with the browser client's
// backoff (1 s doubling to 30 s, ±25 % jitter: frontend/src/net/backoff.ts) and is resynced by
// the session:state every connect gets. Measured: from the kill, and from the new hub answering
// HTTP, until each client has a fresh state.

// backoff is the TypeScript client's reconnect delay for attempt n (0 = the first retry).
func backoff(n int) time.Duration {
	base := min(30*time.Second, time.Second<<min(n, 5))
	return time.Duration(float64(base) * (0.75 + 0.5*rand.Float64()))
}

type rejoiner struct {
	url      string
	header   http.Header
	killedAt atomic.Pointer[time.Time] // set when the old hub is killed
	fresh    chan time.Time            // the first session:state after the kill
	attempts atomic.Int32
}

// run keeps one client connected, reconnecting like the browser does.
func (c *rejoiner) run(stop <-chan struct{}, connected chan<- struct{}) {
	sent := false
	for attempt := 0; ; {
		conn, _, err := (&websocket.Dialer{HandshakeTimeout: 30 * time.Second}).Dial(c.url, c.header)
		if err == nil {
			attempt = 0
			for {
				_, data, err := conn.ReadMessage()
				if err != nil {
					break
				}
				if bytes.Contains(data, []byte(`"type":"session:state"`)) {
					if !sent {
						sent = true
						connected <- struct{}{}
					} else if c.killedAt.Load() != nil {
						select {
						case c.fresh <- time.Now():
						default:
						}
					}
				}
			}
			_ = conn.Close()
		}
		select {
		case <-stop:
			return
		case <-time.After(backoff(attempt)):
		}
		attempt++
		c.attempts.Add(1)
	}
}

func runRestart(o options) error {
	if o.pid <= 0 {
		return fmt.Errorf("-restart needs -pid (the hub to kill)")
	}
	if err := waitReady(o.url); err != nil {
		return err
	}
	campaignID, cookies, err := setUpCampaign(o)
	if err != nil {
		return err
	}
	wsURL := "ws" + strings.TrimPrefix(o.url, "http") + "/ws?campaignId=" + campaignID
	stop := make(chan struct{})
	defer close(stop)
	connected := make(chan struct{}, o.players)
	clients := make([]*rejoiner, o.players)
	start := time.Now()
	for i := range clients {
		clients[i] = &rejoiner{url: wsURL, header: http.Header{"Cookie": {cookies[i]}}, fresh: make(chan time.Time, 1)}
		go clients[i].run(stop, connected)
	}
	for range clients {
		select {
		case <-connected:
		case <-time.After(120 * time.Second):
			return fmt.Errorf("not every client connected within 120 s")
		}
	}
	fmt.Printf("connected %d players in %v\n", o.players, time.Since(start).Round(time.Millisecond))
	dm, err := connect(wsURL, nil, []string{"hexcrawl.v1", "hexcrawl.dm." + o.token})
	if err != nil {
		return err
	}
	dm.send(`{"type":"session:start"}`)
	dm.send(`{"type":"hex:reveal","hexKeys":["1,1","2,2"],"targets":"all"}`)
	time.Sleep(time.Second)

	killed := time.Now()
	for _, c := range clients {
		c.killedAt.Store(&killed)
	}
	if err := syscall.Kill(o.pid, syscall.SIGKILL); err != nil {
		return fmt.Errorf("kill the hub: %w", err)
	}
	for waitProc(o.pid) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(o.restartDelay) // a person noticing and starting it again
	// The port can stay taken for a moment while the kernel tears down the old process's
	// thousand connections ("address already in use"): start again until it holds.
	var cmd *exec.Cmd
	tries := 0
	for {
		tries++
		cmd = exec.Command("sh", "-c", o.restart)
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("start the hub again: %w", err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		if waitReadyOr(o.url, exited) {
			break
		}
		if tries == 100 {
			return fmt.Errorf("the hub did not start again in %d tries", tries)
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Fprintf(os.Stderr, "restarted hub pid %d (after %d tries)\n", cmd.Process.Pid, tries)
	up := time.Now()

	var mu sync.Mutex
	var fromKill, fromUp []time.Duration
	timeout := time.After(180 * time.Second)
	for i, c := range clients {
		select {
		case at := <-c.fresh:
			mu.Lock()
			fromKill = append(fromKill, at.Sub(killed))
			fromUp = append(fromUp, max(0, at.Sub(up)))
			mu.Unlock()
		case <-timeout:
			return fmt.Errorf("client %d (and maybe others) had no fresh state 180 s after the kill", i)
		}
	}
	slices.Sort(fromKill)
	slices.Sort(fromUp)
	var attempts int
	for _, c := range clients {
		attempts += int(c.attempts.Load())
	}
	fmt.Printf("hub back (answering HTTP) %v after the kill\n", up.Sub(killed).Round(time.Millisecond))
	fmt.Printf("fresh state for all %d players: from the kill p50 %v p99 %v max %v; from the hub being back p50 %v p99 %v max %v; %d reconnect attempts\n",
		o.players, fromKill[len(fromKill)/2].Round(time.Millisecond), pct(fromKill, 0.99).Round(time.Millisecond), fromKill[len(fromKill)-1].Round(time.Millisecond),
		fromUp[len(fromUp)/2].Round(time.Millisecond), pct(fromUp, 0.99).Round(time.Millisecond), fromUp[len(fromUp)-1].Round(time.Millisecond), attempts)
	fmt.Printf("RESULT restart players=%d start_tries=%d back_ms=%d all_fresh_ms=%d fresh_p50_ms=%d fresh_p99_ms=%d attempts=%d new_pid=%d\n",
		o.players, tries, up.Sub(killed).Milliseconds(), fromKill[len(fromKill)-1].Milliseconds(), fromKill[len(fromKill)/2].Milliseconds(),
		pct(fromKill, 0.99).Milliseconds(), attempts, cmd.Process.Pid)
	return nil
}

// waitProc says whether pid still exists (a killed child of another process lingers as a
// zombie until reaped; /proc/PID/stat then says Z).
func waitProc(pid int) bool {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+2:]))
	return len(fields) > 0 && fields[0] != "Z"
}

// waitReadyOr polls the hub until it answers HTTP (true) or its process exits (false).
func waitReadyOr(url string, exited <-chan struct{}) bool {
	for {
		select {
		case <-exited:
			return false
		default:
		}
		if resp, err := http.Get(url + "/api/hub"); err == nil {
			resp.Body.Close()
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
}
