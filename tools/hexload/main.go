// Command hexload puts a table's worth of load (or a convention's) on a running hub over
// loopback and reports what the targets are stated in: time to connect N players, reveal
// latency to every player (p50/p99), and the server's CPU time per delivered message, read from
// /proc for the server's pid. It runs against `hexcrawl serve` or against tools/barehub (bare
// melody, the floor) with the same client code.
//
//	hexcrawl serve --addr 127.0.0.1:7801 --data /tmp/load.db --dm-token load-token-0123456789 --no-mdns &
//	hexload -target hub -url http://127.0.0.1:7801 -token load-token-0123456789 -pid $! -players 1000 -reveals 200
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

type options struct {
	target   string
	url      string
	token    string
	pid      int
	players  int
	reveals  int
	interval time.Duration
	mapSide  int
	hold     time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.target, "target", "hub", `"hub" (hexcrawl serve) or "bare" (tools/barehub)`)
	flag.StringVar(&o.url, "url", "http://127.0.0.1:7801", "the server's base URL")
	flag.StringVar(&o.token, "token", "", "the DM token (hub)")
	flag.IntVar(&o.pid, "pid", 0, "the server's pid, to read its CPU time from /proc")
	flag.IntVar(&o.players, "players", 100, "player connections")
	flag.IntVar(&o.reveals, "reveals", 200, "reveals (each to every player)")
	flag.DurationVar(&o.interval, "interval", 2*time.Millisecond, "pause between reveals")
	flag.IntVar(&o.mapSide, "map", 100, "map width and height (hub)")
	flag.DurationVar(&o.hold, "hold", 0, "keep the connections open this long after the report (for measuring the server)")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "hexload:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	wsBase := "ws" + strings.TrimPrefix(o.url, "http") + "/ws"
	var campaignID string
	var cookies []string
	if o.target == "hub" {
		var err error
		campaignID, cookies, err = setUpCampaign(o)
		if err != nil {
			return err
		}
		wsBase += "?campaignId=" + campaignID
	}

	// Connect every player at once, as a table (or a hall) arriving.
	cpu0 := cpuTime(o.pid)
	start := time.Now()
	players := make([]*player, o.players)
	var wg sync.WaitGroup
	errs := make(chan error, o.players)
	for i := range players {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			h := http.Header{}
			if cookies != nil {
				h.Set("Cookie", cookies[i])
			}
			p, err := connect(wsBase, h, nil)
			if err != nil {
				errs <- err
				return
			}
			players[i] = p
		}(i)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	connectTime := time.Since(start)
	connectCPU := cpuTime(o.pid) - cpu0

	var dm *player
	var err error
	if o.target == "hub" {
		dm, err = connect(wsBase, nil, []string{"hexcrawl.v1", "hexcrawl.dm." + o.token})
		if err != nil {
			return err
		}
		dm.send(`{"type":"session:start"}`)
	} else {
		dm, err = connect(wsBase, nil, nil)
		if err != nil {
			return err
		}
	}
	time.Sleep(300 * time.Millisecond) // let presence and the start settle
	if o.target == "hub" {
		// Reveals carry the event log's seq: number them from the log's current end.
		req, _ := http.NewRequest("GET", o.url+"/api/campaigns/"+campaignID+"/events?limit=5000", nil)
		req.Header.Set("Authorization", "Bearer "+o.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		var evs []struct{ Seq int64 }
		err = json.NewDecoder(resp.Body).Decode(&evs)
		resp.Body.Close()
		if err != nil || len(evs) == 0 {
			return fmt.Errorf("read the event log: %v", err)
		}
		seqBase.Store(evs[len(evs)-1].Seq)
	}
	for _, p := range players {
		p.startCounting()
	}

	rss0 := rssKB(o.pid)
	cpu0 = cpuTime(o.pid)
	sent := make([]time.Time, o.reveals)
	for i := 0; i < o.reveals; i++ {
		key := fmt.Sprintf("%d,%d", i%o.mapSide, (i/o.mapSide)%o.mapSide)
		sent[i] = time.Now()
		if o.target == "hub" {
			dm.send(`{"type":"hex:reveal","hexKeys":["` + key + `"],"targets":"all"}`)
		} else {
			dm.send(`{"type":"hex:revealed","seq":` + strconv.Itoa(i+1) + `,"hexes":[{"key":"` + key + `","terrain":"forest"}]}`)
		}
		time.Sleep(o.interval)
	}
	want := int64(o.reveals)
	deadline := time.Now().Add(60 * time.Second)
	for _, p := range players {
		for p.count.Load() < want && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
	}
	cpu := cpuTime(o.pid) - cpu0
	var lat []time.Duration
	delivered := int64(0)
	for _, p := range players {
		delivered += p.count.Load()
		p.mu.Lock()
		for seq, at := range p.got {
			if seq >= 1 && seq <= o.reveals {
				lat = append(lat, at.Sub(sent[seq-1]))
			}
		}
		p.mu.Unlock()
	}
	slices.Sort(lat)
	pct := func(q float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(q*float64(len(lat))))]
	}
	fmt.Printf("target=%s players=%d reveals=%d delivered=%d/%d\n", o.target, o.players, o.reveals, delivered, int64(o.players)*want)
	fmt.Printf("connect: %d players in %v (server CPU %v)\n", o.players, connectTime.Round(time.Millisecond), connectCPU)
	fmt.Printf("reveal latency to each player: p50 %v p99 %v max %v\n", pct(0.50), pct(0.99), pct(1))
	if delivered > 0 && o.pid > 0 {
		fmt.Printf("server CPU per delivered message: %.2f µs (CPU %v)\n", float64(cpu.Microseconds())/float64(delivered), cpu)
		fmt.Printf("server RSS with %d connected: %d KB (before reveals %d KB)\n", o.players, rssKB(o.pid), rss0)
	}
	time.Sleep(o.hold)
	return nil
}

// setUpCampaign makes a campaign with a map, an invite and o.players joined players.
func setUpCampaign(o options) (string, []string, error) {
	call := func(method, path, body string, out any) (*http.Response, error) {
		req, _ := http.NewRequest(method, o.url+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+o.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 300 {
			return nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, raw)
		}
		if out != nil {
			return resp, json.Unmarshal(raw, out)
		}
		return resp, nil
	}
	var c struct{ ID string }
	if _, err := call("POST", "/api/campaigns", `{"name":"Load test"}`, &c); err != nil {
		return "", nil, err
	}
	body := fmt.Sprintf(`{"name":"Load","width":%d,"height":%d,"orientation":"flat"}`, o.mapSide, o.mapSide)
	if _, err := call("POST", "/api/campaigns/"+c.ID+"/maps", body, nil); err != nil {
		return "", nil, err
	}
	var inv struct{ Code string }
	if _, err := call("POST", "/api/campaigns/"+c.ID+"/invites", `{}`, &inv); err != nil {
		return "", nil, err
	}
	cookies := make([]string, o.players)
	var wg sync.WaitGroup
	var firstErr atomic.Value
	sem := make(chan struct{}, 32)
	for i := range cookies {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			resp, err := http.Post(o.url+"/api/join", "application/json",
				bytes.NewBufferString(fmt.Sprintf(`{"code":%q,"name":"p%d"}`, inv.Code, i)))
			if err != nil {
				firstErr.Store(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			for _, ck := range resp.Cookies() {
				if ck.Name == "hexcrawl_player" {
					cookies[i] = ck.Name + "=" + ck.Value
				}
			}
		}(i)
	}
	wg.Wait()
	if err, ok := firstErr.Load().(error); ok {
		return "", nil, fmt.Errorf("join: %w", err)
	}
	return c.ID, cookies, nil
}

type player struct {
	conn     *websocket.Conn
	wmu      sync.Mutex
	counting atomic.Bool
	count    atomic.Int64
	mu       sync.Mutex
	got      map[int]time.Time // seq → when the reveal arrived
}

func connect(url string, h http.Header, protocols []string) (*player, error) {
	d := websocket.Dialer{Subprotocols: protocols, HandshakeTimeout: 30 * time.Second}
	conn, _, err := d.Dial(url, h)
	if err != nil {
		return nil, err
	}
	p := &player{conn: conn, got: map[int]time.Time{}}
	ready := make(chan struct{})
	go p.read(ready)
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		return nil, fmt.Errorf("no session:state within 30 s")
	}
	return p, nil
}

func (p *player) read(ready chan struct{}) {
	first := true
	for {
		_, data, err := p.conn.ReadMessage()
		if err != nil {
			return
		}
		if first {
			first = false
			close(ready)
			continue
		}
		if !p.counting.Load() || !bytes.Contains(data, []byte(`"hex:revealed"`)) {
			continue
		}
		at := time.Now()
		var m struct{ Seq int }
		_ = json.Unmarshal(data, &m)
		p.mu.Lock()
		p.got[m.Seq-p.base()] = at
		p.mu.Unlock()
		p.count.Add(1)
	}
}

// seqBase is the seq before the first counted reveal; reveals are numbered from it.
var seqBase atomic.Int64

func (p *player) base() int { return int(seqBase.Load()) }

func (p *player) startCounting() { p.counting.Store(true) }

func (p *player) send(msg string) {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	_ = p.conn.WriteMessage(websocket.TextMessage, []byte(msg))
}

// cpuTime is the process's user+system CPU time from /proc/PID/stat (0 without a pid).
func cpuTime(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may contain spaces) start after the last ')'.
	fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+2:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ is 100 on Linux
}

func rssKB(pid int) int {
	if pid <= 0 {
		return 0
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}
