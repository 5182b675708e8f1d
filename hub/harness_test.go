package hub

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

const testToken = "test-dm-token-0123456789"

// testHub is a real hub on a loopback port, backed by a real SQLite file in a temp dir.
type testHub struct {
	t          testing.TB
	store      *storage.Store
	hub        *Hub
	srv        *httptest.Server
	campaignID string
	mapID      string
	code       string
	raw        *sql.DB // rawDB's connection
}

// hubSetup is what a test may change before the hub starts.
type hubSetup struct {
	cfg Config
	// smallSendBuffers gives server sockets 64 KB kernel send buffers instead of Linux's
	// autotuned 4 MB, so that a client that stops reading fills them quickly.
	smallSendBuffers bool
}

type hubOption func(*hubSetup)

func withConfig(fn func(*Config)) hubOption { return func(s *hubSetup) { fn(&s.cfg) } }

func smallSendBuffers(s *hubSetup) { s.smallSendBuffers = true }

type smallBufListener struct{ net.Listener }

func (l smallBufListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err == nil {
		err = conn.(*net.TCPConn).SetWriteBuffer(64 << 10)
	}
	return conn, err
}

func newTestHub(t testing.TB, opts ...hubOption) *testHub {
	t.Helper()
	ctx := context.Background()
	store, err := storage.Open(ctx, filepath.Join(t.TempDir(), "hexcrawl.db"))
	if err != nil {
		t.Fatal(err)
	}
	// A seeded source: the travel turn's rolls are the same on every run of a test. Tests join
	// many players from one address: no join limit unless a test sets one.
	setup := hubSetup{cfg: Config{Store: store, DMToken: testToken, JoinsPerMinute: -1, MaxMembers: 100000,
		Logger: slog.New(slog.NewTextHandler(testLogWriter(), &slog.HandlerOptions{Level: slog.LevelDebug})),
		Random: game.NewSeededRandom(42)}}
	for _, o := range opts {
		o(&setup)
	}
	h, err := New(setup.cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	if setup.smallSendBuffers {
		srv.Listener = smallBufListener{srv.Listener}
	}
	srv.Start()
	th := &testHub{t: t, store: store, hub: h, srv: srv}
	t.Cleanup(func() {
		_ = h.Shutdown(context.Background())
		srv.Close()
		_ = store.Close()
	})
	var c struct{ ID string }
	th.api("POST", "/api/campaigns", `{"name":"Test Fen"}`, 201, &c)
	th.campaignID = c.ID
	var m struct{ ID string }
	th.api("POST", "/api/campaigns/"+c.ID+"/maps", `{"name":"Fen","width":8,"height":6,"orientation":"flat"}`, 201, &m)
	th.mapID = m.ID
	var inv struct{ Code string }
	th.api("POST", "/api/campaigns/"+c.ID+"/invites", `{}`, 201, &inv)
	th.code = inv.Code
	return th
}

// api calls the HTTP API as the DM and checks the status.
func (th *testHub) api(method, path, body string, wantStatus int, out any) {
	th.t.Helper()
	status, raw := th.request(method, path, body, map[string]string{"Authorization": "Bearer " + testToken})
	if status != wantStatus {
		th.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, wantStatus, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			th.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
}

func (th *testHub) request(method, path, body string, headers map[string]string) (int, []byte) {
	th.t.Helper()
	req, err := http.NewRequest(method, th.srv.URL+path, strings.NewReader(body))
	if err != nil {
		th.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		th.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

// join makes a player through the join API and returns their cookie and id.
func (th *testHub) join(name string) (cookie, id string) {
	th.t.Helper()
	req, _ := http.NewRequest("POST", th.srv.URL+"/api/join", strings.NewReader(fmt.Sprintf(`{"code":%q,"name":%q}`, th.code, name)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		th.t.Fatal(err)
	}
	defer resp.Body.Close()
	var me struct{ PlayerID string }
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 201 {
		th.t.Fatalf("join %s: %d %s", name, resp.StatusCode, raw)
	}
	_ = json.Unmarshal(raw, &me)
	for _, c := range resp.Cookies() {
		if c.Name == playerCookieName {
			return c.Name + "=" + c.Value, me.PlayerID
		}
	}
	th.t.Fatalf("join %s: no cookie", name)
	return "", ""
}

func (th *testHub) wsURL(campaignID string) string {
	u := "ws" + strings.TrimPrefix(th.srv.URL, "http") + "/ws"
	if campaignID != "" {
		u += "?campaignId=" + url.QueryEscape(campaignID)
	}
	return u
}

// frame is one message a test client received.
type frame struct {
	raw  []byte
	Type string `json:"type"`
}

// wsClient records every frame it receives, in order.
type wsClient struct {
	t      testing.TB
	name   string
	conn   *websocket.Conn
	frames chan frame
	mu     sync.Mutex
	all    [][]byte
	closed chan struct{}
	code   int // close code once closed
}

type dialOpts struct {
	header       http.Header
	subprotocols []string
	noRead       bool // never read: a client that stopped reading
}

func (th *testHub) dial(name, campaignID string, o dialOpts) (*wsClient, *http.Response, error) {
	d := websocket.Dialer{Subprotocols: o.subprotocols, HandshakeTimeout: 5 * time.Second}

	conn, resp, err := d.Dial(th.wsURL(campaignID), o.header)
	if err != nil {
		return nil, resp, err
	}
	c := &wsClient{t: th.t, name: name, conn: conn, frames: make(chan frame, 100000), closed: make(chan struct{})}
	if !o.noRead {
		go c.readLoop()
	}
	th.t.Cleanup(func() { _ = conn.Close() })
	return c, resp, nil
}

func (c *wsClient) readLoop() {
	defer close(c.closed)
	for {
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			c.code = -1
			if ce, ok := errors.AsType[*websocket.CloseError](err); ok {
				c.code = ce.Code
			}
			return
		}
		var f frame
		_ = json.Unmarshal(data, &f)
		f.raw = data
		c.mu.Lock()
		c.all = append(c.all, data)
		c.mu.Unlock()
		c.frames <- f
	}
}

func (th *testHub) dm(name string) *wsClient {
	th.t.Helper()
	c, _, err := th.dial(name, th.campaignID, dialOpts{subprotocols: []string{subprotocol, dmTokenProtocol + testToken}})
	if err != nil {
		th.t.Fatalf("dial DM: %v", err)
	}
	c.expect("session:state")
	return c
}

func (th *testHub) player(name, cookie string) *wsClient {
	th.t.Helper()
	c, _, err := th.dial(name, th.campaignID, dialOpts{header: http.Header{"Cookie": {cookie}}})
	if err != nil {
		th.t.Fatalf("dial %s: %v", name, err)
	}
	c.expect("session:state")
	return c
}

func (c *wsClient) send(v any) {
	c.t.Helper()
	var data []byte
	switch x := v.(type) {
	case string:
		data = []byte(x)
	default:
		data, _ = json.Marshal(v)
	}
	if err := c.conn.WriteMessage(websocket.TextMessage, data); err != nil {
		c.t.Fatalf("%s send: %v", c.name, err)
	}
}

// next returns the next frame, failing the test if none comes within the deadline.
func (c *wsClient) next() frame {
	c.t.Helper()
	select {
	case f := <-c.frames:
		return f
	case <-time.After(10 * time.Second):
		c.t.Fatalf("%s: no frame within 10 s", c.name)
		return frame{}
	}
}

// expect returns the next frame and checks its type: the hub's order of messages is part of
// the contract, so tests read them in order rather than skipping.
func (c *wsClient) expect(typ string) frame {
	c.t.Helper()
	f := c.next()
	if f.Type != typ {
		c.t.Fatalf("%s: got %s, want %s", c.name, f.raw, typ)
	}
	return f
}

// skipUntil discards frames until one of type typ (presence frames arrive on their own timer).
func (c *wsClient) skipUntil(typ string) frame {
	c.t.Helper()
	for {
		f := c.next()
		if f.Type == typ {
			return f
		}
	}
}

// expectNonPresence returns the next frame that is not a presence update.
func (c *wsClient) expectNonPresence(typ string) frame {
	c.t.Helper()
	for {
		f := c.next()
		if f.Type == "player:joined" || f.Type == "player:left" {
			continue
		}
		if f.Type != typ {
			c.t.Fatalf("%s: got %s, want %s", c.name, f.raw, typ)
		}
		return f
	}
}

func (c *wsClient) waitClosed() int {
	c.t.Helper()
	select {
	case <-c.closed:
		return c.code
	case <-time.After(10 * time.Second):
		c.t.Fatalf("%s: not closed within 10 s (%d frames read)", c.name, len(c.received()))
		return 0
	}
}

func (c *wsClient) received() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([][]byte(nil), c.all...)
}

func decode[T any](t testing.TB, f frame) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewReader(f.raw))
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", f.raw, err)
	}
	return v
}

func testLogWriter() io.Writer {
	if os.Getenv("HEXCRAWL_TEST_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}
