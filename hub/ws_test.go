package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/olahol/melody"
)

func TestUpgradeCloseCodes(t *testing.T) {
	th := newTestHub(t)
	cookie, playerID := th.join("Ana")
	revokedCookie, revokedID := th.join("Rex")
	th.api("DELETE", "/api/campaigns/"+th.campaignID+"/members/"+revokedID, "", 200, nil)
	var other struct{ ID string }
	th.api("POST", "/api/campaigns", `{"name":"Other"}`, 201, &other)
	dmProto := []string{subprotocol, dmTokenProtocol + testToken}
	host := strings.TrimPrefix(th.srv.URL, "http://")

	tests := []struct {
		name     string
		campaign string
		header   http.Header
		protos   []string
		want     int // 0: accepted
	}{
		{name: "DM OK", campaign: th.campaignID, protos: dmProto},
		{name: "player OK", campaign: th.campaignID, header: http.Header{"Cookie": {cookie}}},
		{name: "same origin OK", campaign: th.campaignID, protos: dmProto, header: http.Header{"Origin": {"http://" + host}}},
		{name: "desktop origin OK", campaign: th.campaignID, protos: dmProto, header: http.Header{"Origin": {"wails://wails"}}},
		{name: "foreign origin 4003", campaign: th.campaignID, protos: dmProto, header: http.Header{"Origin": {"http://evil.example"}}, want: 4003},
		{name: "origin checked before credentials", campaign: "", header: http.Header{"Origin": {"http://evil.example"}}, want: 4003},
		{name: "no credentials 4001", campaign: th.campaignID, want: 4001},
		{name: "credentials checked before campaign", campaign: "", want: 4001},
		{name: "wrong DM token 4001", campaign: th.campaignID, protos: []string{subprotocol, dmTokenProtocol + "nope-nope-nope-nope"}, want: 4001},
		{name: "wrong DM token beats a valid cookie", campaign: th.campaignID, protos: []string{dmTokenProtocol + "bad"}, header: http.Header{"Cookie": {cookie}}, want: 4001},
		{name: "bad cookie 4001", campaign: th.campaignID, header: http.Header{"Cookie": {playerCookieName + "=forged"}}, want: 4001},
		{name: "revoked player 4001", campaign: th.campaignID, header: http.Header{"Cookie": {revokedCookie}}, want: 4001},
		{name: "missing campaignId 4002", campaign: "", protos: dmProto, want: 4002},
		{name: "malformed campaignId 4002", campaign: "abc", protos: dmProto, want: 4002},
		{name: "unknown campaign 4002", campaign: "00000000-0000-4000-8000-000000000000", protos: dmProto, want: 4002},
		{name: "player unknown campaign 4002", campaign: "00000000-0000-4000-8000-000000000000", header: http.Header{"Cookie": {cookie}}, want: 4002},
		{name: "not a member 4003", campaign: other.ID, header: http.Header{"Cookie": {cookie}}, want: 4003},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, resp, err := th.dial(tt.name, tt.campaign, dialOpts{header: tt.header, subprotocols: tt.protos})
			if err != nil {
				t.Fatalf("the upgrade itself must succeed (status %v): %v", resp, err)
			}
			if tt.want == 0 {
				f := c.expect("session:state")
				if len(tt.protos) > 0 && c.conn.Subprotocol() != subprotocol {
					t.Fatalf("subprotocol %q", c.conn.Subprotocol())
				}
				_ = f
				return
			}
			if got := c.waitClosed(); got != tt.want {
				t.Fatalf("close code %d, want %d", got, tt.want)
			}
			if n := len(c.received()); n != 0 {
				t.Fatalf("a rejected socket received %d frames", n)
			}
		})
	}
	_ = playerID
}

// invalidCase is an entry of testdata/protocol/invalid/cases.json.
type invalidCase struct {
	Name string `json:"name"`
	Raw  string `json:"raw"`
	Code string `json:"code"`
}

func TestBadInputKeepsConnectionAndChangesNothing(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	_, anaID := th.join("Ana")
	cookie, _ := th.join("Bo")
	dm := th.dm("dm")
	player := th.player("Bo", cookie)

	raw, err := os.ReadFile(filepath.Join("..", "testdata", "protocol", "invalid", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []invalidCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	// Errors that depend on the room's state: a waiting session, an 8×6 map, no staged list.
	cases = append(cases,
		invalidCase{"key off the map", `{"type":"hex:update","changes":[{"key":"8,0","terrain":"forest"}]}`, "invalid"},
		invalidCase{"reveal before session", `{"type":"hex:reveal","hexKeys":["0,0"],"targets":"all"}`, "conflict"},
		invalidCase{"pause while waiting", `{"type":"session:pause"}`, "conflict"},
		invalidCase{"resume while waiting", `{"type":"session:resume"}`, "conflict"},
		invalidCase{"end while waiting", `{"type":"session:end"}`, "conflict"},
		invalidCase{"publish nothing", `{"type":"broadcast:publish"}`, "conflict"},
		invalidCase{"undo nothing", `{"type":"staged:undo","index":0}`, "not_found"},
		invalidCase{"move before session", `{"type":"party:move","partyId":"p","path":["0,0"]}`, "conflict"},
		invalidCase{"oversized label", `{"type":"hex:update","changes":[{"key":"0,0","label":"` + strings.Repeat("x", 81) + `"}]}`, "invalid"},
	)
	before, _ := th.store.LastSeq(ctx, th.campaignID)
	for i, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			ref := fmt.Sprintf("case-%d", i)
			msg := tc.Raw
			// Put a ref on object messages so the error can be matched to its cause.
			if strings.HasPrefix(msg, `{"type"`) && !strings.Contains(msg, `"ref"`) {
				msg = `{"ref":"` + ref + `",` + msg[1:]
			} else {
				ref = ""
			}
			dm.send(msg)
			got := decode[errorMsg](t, dm.expectNonPresence("error"))
			if string(got.Code) != tc.Code {
				t.Fatalf("%s: code %q (%s), want %q", tc.Raw, got.Code, got.Message, tc.Code)
			}
			if got.Message == "" || got.Ref != ref {
				t.Fatalf("error message %q ref %q, want ref %q", got.Message, got.Ref, ref)
			}
		})
	}
	// A player sending a DM action is refused.
	player.send(`{"type":"session:start","ref":"p1"}`)
	if got := decode[errorMsg](t, player.expectNonPresence("error")); got.Code != "forbidden" || got.Ref != "p1" {
		t.Fatalf("player DM action: %+v", got)
	}
	// Revealing to an unknown player is refused, in a live session.
	dm.send(`{"type":"session:start"}`)
	dm.expectNonPresence("session:statusChanged")
	player.expectNonPresence("session:statusChanged")
	after, _ := th.store.LastSeq(ctx, th.campaignID)
	if after != before+1 {
		t.Fatalf("bad input was logged: seq %d -> %d (want only the session start)", before, after)
	}
	dm.send(`{"type":"hex:reveal","hexKeys":["0,0"],"targets":{"playerIds":["nobody"]}}`)
	if got := decode[errorMsg](t, dm.expectNonPresence("error")); got.Code != "not_found" {
		t.Fatalf("unknown player: %+v", got)
	}
	// The connections are still open and work.
	dm.send(map[string]any{"type": "hex:reveal", "hexKeys": []string{"0,0"}, "targets": map[string]any{"playerIds": []string{anaID}}})
	dm.expectNonPresence("hex:revealed")
	dm.send(`{"type":"hex:reveal","hexKeys":["1,1"],"targets":"all"}`)
	dm.expectNonPresence("hex:revealed")
	if got := decode[hexesMsg](t, player.expectNonPresence("hex:revealed")); got.Hexes[0].Key != "1,1" {
		t.Fatalf("player after errors: %+v", got)
	}
	// Binary frames are refused with an error too.
	if err := dm.conn.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if got := decode[errorMsg](t, dm.expectNonPresence("error")); got.Code != "malformed" {
		t.Fatalf("binary: %+v", got)
	}
}

// The client heartbeat: anyone may ping, the hub answers on that socket alone with the same ref,
// and nothing reaches the room (no event, no frame to anyone else). A bad ping is an error like
// any other and the socket stays open.
func TestPingIsAnsweredOnTheSocket(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	cookie, _ := th.join("Ana")
	dm := th.dm("dm")
	player := th.player("Ana", cookie)
	dm.skipUntil("player:joined") // Ana's arrival, before anything this test checks
	before, err := th.store.LastSeq(ctx, th.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		from    *wsClient
		msg     string
		want    string // frame type
		wantRef string
		code    string // for errors
	}{
		{name: "player ping", from: player, msg: `{"type":"ping","ref":"p-1"}`, want: msgPong, wantRef: "p-1"},
		{name: "DM ping", from: dm, msg: `{"type":"ping","ref":"d-1"}`, want: msgPong, wantRef: "d-1"},
		{name: "ping without ref", from: player, msg: `{"type":"ping"}`, want: msgPong},
		{name: "ping with a field", from: player, msg: `{"type":"ping","ref":"p-2","seq":3}`, want: msgError, wantRef: "p-2", code: "invalid"},
		{name: "ping with a bad ref", from: dm, msg: `{"type":"ping","ref":7}`, want: msgError, code: "invalid"},
		{name: "ping after the error", from: player, msg: `{"type":"ping","ref":"p-3"}`, want: msgPong, wantRef: "p-3"},
		{name: "DM ping after the error", from: dm, msg: `{"type":"ping","ref":"d-2"}`, want: msgPong, wantRef: "d-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.from.send(tt.msg)
			f := tt.from.expectNonPresence(tt.want)
			var got struct {
				Type, Ref, Code, Message string
			}
			if err := json.Unmarshal(f.raw, &got); err != nil {
				t.Fatal(err)
			}
			if got.Ref != tt.wantRef || got.Code != tt.code {
				t.Fatalf("got %s, want ref %q code %q", f.raw, tt.wantRef, tt.code)
			}
			if tt.want == msgPong && string(f.raw) != string(mustJSON(pongMsg{Type: msgPong, Ref: tt.wantRef})) {
				t.Fatalf("a pong carries its ref and nothing else: %s", f.raw)
			}
		})
	}
	after, err := th.store.LastSeq(ctx, th.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Fatalf("pings reached the event log: seq %d -> %d", before, after)
	}
	// Nobody else heard them: the next thing each hears is the DM's next change.
	dm.send(`{"type":"session:start"}`)
	dm.expectNonPresence(msgStatusChanged)
	player.expectNonPresence(msgStatusChanged)
}

func TestOversizedFrameCloses1009(t *testing.T) {
	th := newTestHub(t)
	dm := th.dm("dm")
	big := `{"type":"hex:update","changes":[{"key":"0,0","label":"` + strings.Repeat("x", maxFrameBytes) + `"}]}`
	_ = dm.conn.WriteMessage(websocket.TextMessage, []byte(big))
	if got := dm.waitClosed(); got != websocket.CloseMessageTooBig {
		t.Fatalf("close code %d, want 1009", got)
	}
	// The hub is fine: a new connection works.
	th.dm("dm2")
}

// A socket that stops answering pings is dropped, and the room says the player left.
func TestDeadSocketIsDropped(t *testing.T) {
	th := newTestHub(t, withConfig(func(c *Config) { c.PingPeriod = 50 * time.Millisecond; c.PongWait = 200 * time.Millisecond }))
	cookie, id := th.join("Ana")
	dm := th.dm("dm")
	// noRead: gorilla answers pings only while reading, so this client goes silent.
	silent, _, err := th.dial("silent", th.campaignID, dialOpts{header: http.Header{"Cookie": {cookie}}, noRead: true})
	if err != nil {
		t.Fatal(err)
	}
	_ = silent
	joined := decode[struct{ Players []memberRef }](t, dm.skipUntil("player:joined"))
	if joined.Players[0].ID != id {
		t.Fatalf("joined %+v", joined)
	}
	left := decode[struct{ PlayerIDs []string }](t, dm.skipUntil("player:left"))
	if len(left.PlayerIDs) != 1 || left.PlayerIDs[0] != id {
		t.Fatalf("left %+v", left)
	}
}

// patientPings keeps the hub from dropping a client that reads nothing for a while as dead
// (no pong for PongWait): on a loaded machine the slow client's silence may last longer than
// 25 s, and what these tests prove is the 4008, not the dead-socket check (TestDeadSocketIsDropped).
var patientPings = withConfig(func(c *Config) { c.PingPeriod = 2 * time.Minute; c.PongWait = 5 * time.Minute })

// slowTable is a hub with a 100×100 map, a DM, a fast player and a player that does not read.
type slowTable struct {
	th             *testHub
	dm, fast, slow *wsClient
	reveal, hide   []byte
}

func newSlowTable(t *testing.T, opts ...hubOption) *slowTable {
	th := newTestHub(t, append([]hubOption{smallSendBuffers}, opts...)...)
	th.api("POST", "/api/campaigns/"+th.campaignID+"/maps", `{"name":"Big","width":100,"height":100,"orientation":"flat"}`, 201, nil)
	var maps []struct{ ID, Name string }
	th.api("GET", "/api/campaigns/"+th.campaignID+"/maps", "", 200, &maps)
	th.api("PUT", "/api/campaigns/"+th.campaignID+"/active-map", `{"mapId":"`+maps[1].ID+`"}`, 204, nil)
	fastCookie, _ := th.join("Fast")
	slowCookie, _ := th.join("Slow")
	st := &slowTable{th: th, dm: th.dm("dm"), fast: th.player("Fast", fastCookie)}
	// The slow client's kernel buffer is small too, so what it holds unread is a few dozen
	// frames and the rest waits in the hub.
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second, NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			err = c.(*net.TCPConn).SetReadBuffer(32 << 10)
		}
		return c, err
	}}
	conn, _, err := d.Dial(th.wsURL(th.campaignID), http.Header{"Cookie": {slowCookie}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	st.slow = &wsClient{t: t, name: "slow", conn: conn, frames: make(chan frame, 100000), closed: make(chan struct{})}
	st.dm.send(`{"type":"session:start"}`)
	st.dm.expectNonPresence("session:statusChanged")
	st.fast.skipUntil("session:statusChanged")
	keys := make([]string, 0, 100)
	for i := 0; i < 100; i++ {
		keys = append(keys, mapKey(i, 0))
	}
	st.reveal, _ = json.Marshal(map[string]any{"type": "hex:reveal", "hexKeys": keys, "targets": "all"})
	st.hide, _ = json.Marshal(map[string]any{"type": "hex:hide", "hexKeys": keys, "targets": "all"})
	return st
}

// play reveals and hides 100 hexes rounds times (two frames of ~4 KB per player each), in step
// with the fast player: the DM sends a round once the fast player has read the one before, so the
// fast player is never more than two frames behind however loaded the machine is, while the
// slow one falls further behind with every round.
func (st *slowTable) play(t *testing.T, rounds int) {
	for i := 0; i < rounds; i++ {
		st.dm.send(string(st.reveal))
		st.dm.send(string(st.hide))
		st.fast.skipUntil("hex:revealed")
		st.fast.skipUntil("hex:hidden")
	}
}

// A player that stops reading never stalls the room: others keep getting every delta, and the
// slow one is closed with 4008 (reconnect and resync) once its queue fills.
func TestSlowConsumerClosedWithReconnectCode(t *testing.T) {
	st := newSlowTable(t, withConfig(func(c *Config) { c.WriteWait = 60 * time.Second; c.SendQueue = 32 }), patientPings)
	st.play(t, 300) // 600 frames for each player: far past the slow one's queue and its kernel buffers
	go st.slow.readLoop()
	if got := st.slow.waitClosed(); got != CloseSlowConsumer {
		t.Fatalf("slow client close code %d after %d frames, want %d", got, len(st.slow.received()), CloseSlowConsumer)
	}
	t.Logf("the slow client read %d frames before its 4008", len(st.slow.received()))
	// The fast player was never closed: it still hears the table.
	st.dm.send(string(st.reveal))
	st.fast.skipUntil("hex:revealed")
}

// The 4008 comes right after what the slow client's kernel buffers already hold, not after the
// frames still queued in the hub for it: those are what it failed to read, and it resyncs anyway.
func TestSlowConsumerHearsItsCloseAheadOfTheQueue(t *testing.T) {
	const queue = 256
	st := newSlowTable(t, withConfig(func(c *Config) { c.WriteWait = 60 * time.Second; c.SendQueue = queue }), patientPings)
	st.play(t, queue+100) // twice the queue in frames: it overflowed some rounds ago
	go st.slow.readLoop()
	if got := st.slow.waitClosed(); got != CloseSlowConsumer {
		t.Fatalf("close code %d after %d frames, want %d", got, len(st.slow.received()), CloseSlowConsumer)
	}
	// The kernel buffers hold about a hundred frames here; the queue held ~250 more.
	if n := len(st.slow.received()); n > queue {
		t.Fatalf("the slow client read %d frames before its 4008: the close waited behind its queue", n)
	} else {
		t.Logf("the slow client read %d frames before its 4008", n)
	}
}

// A frame melody drops on a full buffer arrives in the error handler, not the sent handler: it
// must leave the pending count (or the client would drift toward "slow" and be closed for
// nothing), and a dropped frame is a hole in that client's deltas, so it is closed with 4008.
func TestDroppedFrameIsNotPendingAndClosesTheClient(t *testing.T) {
	th := newTestHub(t)
	cookie, _ := th.join("Ana")
	ana := th.player("Ana", cookie)
	room, err := th.hub.room(context.Background(), th.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	var c *client
	_ = room.do(context.Background(), func(*batch) error {
		for cl := range room.clients {
			c = cl
		}
		return nil
	})
	for c.pending.Load() != 0 {
		time.Sleep(time.Millisecond) // the session:state on its way out
	}
	c.pending.Add(1) // a frame send counted, which melody then drops:
	th.hub.onError(c.s, melody.ErrMessageBufferFull)
	if n := c.pending.Load(); n != 0 {
		t.Fatalf("pending %d after a dropped frame, want 0", n)
	}
	if got := ana.waitClosed(); got != CloseSlowConsumer {
		t.Fatalf("close code %d, want %d", got, CloseSlowConsumer)
	}
}

// A client flooding the hub with bad messages is throttled (its errors stop being answered at
// once: its reader waits) and, past a limit, closed with 4009; the table plays on meanwhile.
func TestFloodingClientIsThrottledThenClosed(t *testing.T) {
	th := newTestHub(t)
	floodCookie, _ := th.join("Flood")
	boCookie, _ := th.join("Bo")
	dm := th.dm("dm")
	bo := th.player("Bo", boCookie)
	flood := th.player("Flood", floodCookie)
	dm.send(`{"type":"session:start"}`)
	bo.skipUntil("session:statusChanged")
	bad := []string{`{`, `{"type":"no:such"}`, `{"type":"session:start"}`, `{"type":"hex:reveal","hexKeys":[]}`, `[1,2]`}
	floodStart := time.Now()
	go func() {
		for i := 0; i < 20000; i++ {
			_ = flood.conn.SetWriteDeadline(time.Now().Add(20 * time.Second))
			if flood.conn.WriteMessage(websocket.TextMessage, []byte(bad[i%len(bad)])) != nil {
				return
			}
		}
	}()
	for i := range 5 {
		dm.send(`{"type":"hex:reveal","hexKeys":["` + mapKey(i, 0) + `"],"targets":"all"}`)
		if got := decode[hexesMsg](t, bo.skipUntil("hex:revealed")); got.Hexes[0].Key != mapKey(i, 0) {
			t.Fatalf("Bo got %+v", got)
		}
	}
	select {
	case <-flood.closed:
	case <-time.After(60 * time.Second):
		t.Fatalf("the flooding client is still open after %d answers", len(flood.received()))
	}
	if flood.code != CloseFlooding {
		t.Fatalf("close code %d, want %d", flood.code, CloseFlooding)
	}
	errors := 0
	for _, raw := range flood.received() {
		if strings.Contains(string(raw), `"type":"error"`) {
			errors++
		}
	}
	// The budget refills while the hub works through the burst: allow what it refilled.
	if limit := errorBurst + floodCloseAfter + int(time.Since(floodStart).Seconds()*errorsPerSecond) + 10; errors > limit {
		t.Fatalf("the flooder was answered %d times before its close (at most %d)", errors, limit)
	}
	t.Logf("the flooder got %d errors, then 4009", errors)
	// Bo still plays.
	dm.send(`{"type":"hex:reveal","hexKeys":["7,5"],"targets":"all"}`)
	bo.skipUntil("hex:revealed")
}
