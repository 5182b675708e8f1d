// Command hexload puts a table's worth of load (or a convention's) on a running hub over
// loopback and reports what the targets are stated in: the server's RSS right after
// start, time to connect N players, the server's CPU time per delivered message under a
// saturating burst of reveals (read from /proc for the server's pid), reveal latency to every
// player (p50/p99) at a rate that does not saturate the server, and RSS with everyone
// connected. It runs against `hexcrawl serve` or against tools/barehub (bare melody, the floor)
// with the same client code. The last line of its output is the same figures as key=value
// pairs, for scripts (tools/hexload/compare.sh runs both servers several times and prints
// medians).
//
//	hexcrawl serve --addr 127.0.0.1:7801 --data /tmp/load.db --dm-token load-token-0123456789 --no-mdns &
//	hexload -target hub -url http://127.0.0.1:7801 -token load-token-0123456789 -pid $! -players 1000
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
	target       string
	url          string
	token        string
	pid          int
	players      int
	reveals      int
	interval     time.Duration
	latReveals   int
	latInterval  time.Duration
	mapSide      int
	hold         time.Duration
	flood        int
	restart      string
	restartDelay time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.target, "target", "hub", `"hub" (hexcrawl serve) or "bare" (tools/barehub)`)
	flag.StringVar(&o.url, "url", "http://127.0.0.1:7801", "the server's base URL")
	flag.StringVar(&o.token, "token", "", "the DM token (hub)")
	flag.IntVar(&o.pid, "pid", 0, "the server's pid, to read its CPU time and RSS from /proc")
	flag.IntVar(&o.players, "players", 100, "player connections")
	flag.IntVar(&o.reveals, "reveals", 200, "throughput phase: reveals (each to every player), for CPU per delivered message")
	flag.DurationVar(&o.interval, "interval", 2*time.Millisecond, "throughput phase: pause between reveals (small enough to saturate the server)")
	flag.IntVar(&o.latReveals, "lat-reveals", 50, "latency phase: reveals, for reveal latency at a rate the server keeps up with (0: skip)")
	flag.DurationVar(&o.latInterval, "lat-interval", 50*time.Millisecond, "latency phase: pause between reveals")
	flag.IntVar(&o.mapSide, "map", 100, "map width and height (hub)")
	flag.DurationVar(&o.hold, "hold", 0, "keep the connections open this long after the report (for measuring the server)")
	flag.IntVar(&o.flood, "flood", 0, "latency phase: one more player sends this many bad messages a second meanwhile (hub)")
	flag.DurationVar(&o.restartDelay, "restart-delay", 0, "restart scenario: wait this long after the kill before starting the hub again")
	flag.StringVar(&o.restart, "restart", "", "restart scenario: kill -pid with SIGKILL, run this shell command to start the hub again, and time every player's resync")
	flag.Parse()
	if o.restart != "" {
		if err := runRestart(o); err != nil {
			fmt.Fprintln(os.Stderr, "hexload:", err)
			os.Exit(1)
		}
		return
	}
	if o.reveals+o.latReveals > o.mapSide*o.mapSide {
		fmt.Fprintln(os.Stderr, "hexload: more reveals than hexes on the map")
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "hexload:", err)
		os.Exit(1)
	}
}

// result is what one run measured; printed as key=value for compare.sh.
type result struct {
	rssStartKB     int
	connect        time.Duration
	connectCPU     time.Duration
	rssConnectedKB int
	cpuPerMsg      float64 // µs of server CPU per delivered message, throughput phase
	delivered      int64
	expected       int64
	tp50, tp99     time.Duration // throughput phase latency (queueing included)
	tmax           time.Duration
	lp50, lp99     time.Duration // latency phase
	latCPUPerMsg   float64       // µs of server CPU per delivered message, latency phase (no batching, every write a wake-up)
	lmax           time.Duration
	rssAfterKB     int
	peakKB         int
	loadCPU        time.Duration // this process's CPU since it started: is the load generator the bottleneck?
}

func run(o options) error {
	if err := waitReady(o.url); err != nil {
		return err
	}
	var res result
	res.rssStartKB = procStatusKB(o.pid, "VmRSS:")
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
	res.connect = time.Since(start)
	res.connectCPU = cpuTime(o.pid) - cpu0

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
	res.rssConnectedKB = procStatusKB(o.pid, "VmRSS:")

	total := o.reveals + o.latReveals
	sent := make([]time.Time, total)
	reveal := func(i int) {
		key := fmt.Sprintf("%d,%d", i%o.mapSide, (i/o.mapSide)%o.mapSide)
		sent[i] = time.Now()
		if o.target == "hub" {
			dm.send(`{"type":"hex:reveal","hexKeys":["` + key + `"],"targets":"all"}`)
		} else {
			dm.send(`{"type":"hex:revealed","seq":` + strconv.Itoa(i+1) + `,"hexes":[{"key":"` + key + `","terrain":"forest"}]}`)
		}
	}
	// waitFor waits until every player has n reveals; false if some never arrive.
	waitFor := func(n int64) bool {
		deadline := time.Now().Add(60 * time.Second)
		for _, p := range players {
			for p.count.Load() < n {
				if time.Now().After(deadline) {
					return false
				}
				time.Sleep(2 * time.Millisecond)
			}
		}
		return true
	}
	latencies := func(from, to int) []time.Duration {
		var lat []time.Duration
		for _, p := range players {
			p.mu.Lock()
			for seq, at := range p.got {
				if seq >= from+1 && seq <= to {
					lat = append(lat, at.Sub(sent[seq-1]))
				}
			}
			p.mu.Unlock()
		}
		slices.Sort(lat)
		return lat
	}

	// Throughput: reveals faster than the server can fan them out.
	cpu0 = cpuTime(o.pid)
	for i := range o.reveals {
		reveal(i)
		time.Sleep(o.interval)
	}
	complete := waitFor(int64(o.reveals))
	cpu := cpuTime(o.pid) - cpu0
	for _, p := range players {
		res.delivered += p.count.Load()
	}
	res.expected = int64(o.players) * int64(o.reveals)
	if res.delivered > 0 {
		res.cpuPerMsg = float64(cpu.Microseconds()) / float64(res.delivered)
	}
	lat := latencies(0, o.reveals)
	res.tp50, res.tp99, res.tmax = pct(lat, 0.50), pct(lat, 0.99), pct(lat, 1)

	// Latency: reveals spaced so the server is idle between them.
	var fl *flooder
	if complete && o.latReveals > 0 {
		time.Sleep(200 * time.Millisecond)
		if o.flood > 0 {
			if fl, err = startFlood(wsBase, cookies[len(cookies)-1], o.flood); err != nil {
				return err
			}
		}
		cpu0 = cpuTime(o.pid)
		for i := o.reveals; i < total; i++ {
			reveal(i)
			time.Sleep(o.latInterval)
		}
		complete = waitFor(int64(total))
		latCPU := cpuTime(o.pid) - cpu0
		res.latCPUPerMsg = float64(latCPU.Microseconds()) / float64(int64(o.players)*int64(o.latReveals))
		lat = latencies(o.reveals, total)
		res.lp50, res.lp99, res.lmax = pct(lat, 0.50), pct(lat, 0.99), pct(lat, 1)
		if fl != nil {
			fl.stop()
			fmt.Printf("flood: %d bad messages sent, %d answers read, closed with %d\n", fl.sent.Load(), fl.answers.Load(), fl.code.Load())
		}
	}
	res.rssAfterKB = procStatusKB(o.pid, "VmRSS:")
	res.peakKB = procStatusKB(o.pid, "VmHWM:")
	res.loadCPU = cpuTime(os.Getpid())

	fmt.Printf("target=%s players=%d reveals=%d+%d delivered=%d/%d\n", o.target, o.players, o.reveals, o.latReveals, res.delivered, res.expected)
	fmt.Printf("server RSS right after start: %d KB\n", res.rssStartKB)
	fmt.Printf("connect: %d players in %v (server CPU %v)\n", o.players, res.connect.Round(time.Millisecond), res.connectCPU)
	fmt.Printf("server RSS with %d connected: %d KB (after the reveals %d KB, peak %d KB)\n", o.players, res.rssConnectedKB, res.rssAfterKB, res.peakKB)
	fmt.Printf("throughput phase (%d reveals, %v apart): server CPU per delivered message %.2f µs (CPU %v); latency p50 %v p99 %v\n",
		o.reveals, o.interval, res.cpuPerMsg, cpu, res.tp50, res.tp99)
	if o.latReveals > 0 {
		fmt.Printf("latency phase (%d reveals, %v apart): reveal latency to each player p50 %v p99 %v max %v; server CPU per delivered message %.2f µs\n",
			o.latReveals, o.latInterval, res.lp50, res.lp99, res.lmax, res.latCPUPerMsg)
	}
	fmt.Printf("load generator CPU: %v\n", res.loadCPU)
	us := func(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e3, 'f', 0, 64) }
	fmt.Printf("RESULT target=%s players=%d rss_start_kb=%d connect_ms=%.0f connect_cpu_ms=%d rss_connected_kb=%d cpu_per_msg_us=%.2f delivered=%d expected=%d tput_p50_us=%s tput_p99_us=%s tput_max_us=%s lat_p50_us=%s lat_p99_us=%s lat_max_us=%s lat_cpu_per_msg_us=%.2f rss_after_kb=%d rss_peak_kb=%d load_cpu_ms=%d complete=%t\n",
		o.target, o.players, res.rssStartKB, float64(res.connect)/1e6, res.connectCPU.Milliseconds(), res.rssConnectedKB, res.cpuPerMsg,
		res.delivered, res.expected, us(res.tp50), us(res.tp99), us(res.tmax), us(res.lp50), us(res.lp99), us(res.lmax), res.latCPUPerMsg, res.rssAfterKB, res.peakKB, res.loadCPU.Milliseconds(), complete)
	time.Sleep(o.hold)
	if !complete {
		return fmt.Errorf("some reveals never arrived (a client closed as too slow?)")
	}
	return nil
}

func pct(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

// waitReady polls the server until it answers HTTP at all (barehub answers 404), so the RSS
// "right after start" is read as soon as the server is up.
func waitReady(url string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server not up after 10 s: %w", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// setUpCampaign makes a campaign with a map, an invite and o.players joined players.
func setUpCampaign(o options) (string, []string, error) {
	call := func(method, path, body string, out any) (*http.Response, error) {
		req, _ := http.NewRequest(method, o.url+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+o.token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
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
	n := o.players
	if o.flood > 0 {
		n++ // the flooder's seat, last
	}
	cookies := make([]string, n)
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

// procStatusKB reads one kB field of /proc/PID/status (VmRSS, VmHWM); 0 without a pid.
func procStatusKB(pid int, field string) int {
	if pid <= 0 {
		return 0
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}

// flooder is a player sending bad messages as fast as it is asked to (issue 15, item 9).
type flooder struct {
	conn    *websocket.Conn
	done    chan struct{}
	sent    atomic.Int64
	answers atomic.Int64
	code    atomic.Int64 // close code, once closed
}

func startFlood(wsBase, cookie string, perSecond int) (*flooder, error) {
	conn, _, err := websocket.DefaultDialer.Dial(wsBase, http.Header{"Cookie": {cookie}})
	if err != nil {
		return nil, err
	}
	f := &flooder{conn: conn, done: make(chan struct{})}
	go func() {
		for {
			_, _, err := conn.ReadMessage()
			if err != nil {
				if ce, ok := err.(*websocket.CloseError); ok {
					f.code.Store(int64(ce.Code))
				}
				return
			}
			f.answers.Add(1)
		}
	}()
	bad := [][]byte{[]byte(`{`), []byte(`{"type":"no:such"}`), []byte(`{"type":"session:start"}`), []byte(`{"type":"hex:reveal","hexKeys":[]}`)}
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		perTick := max(1, perSecond/100)
		for {
			select {
			case <-f.done:
				return
			case <-tick.C:
			}
			// Writes block while the hub throttles this socket (it stops reading): the flood
			// then goes only as fast as the hub lets it.
			for i := 0; i < perTick; i++ {
				if conn.WriteMessage(websocket.TextMessage, bad[int(f.sent.Load())%len(bad)]) != nil {
					return
				}
				f.sent.Add(1)
			}
		}
	}()
	return f, nil
}

func (f *flooder) stop() {
	close(f.done)
	_ = f.conn.Close()
}
