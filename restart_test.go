package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const restartToken = "restart-test-token-0123456789"

// hubProc is `hexcrawl serve` running as a child process (the test binary re-run as main).
type hubProc struct {
	cmd  *exec.Cmd
	base string
}

func startServe(t *testing.T, data string, prefix ...string) *hubProc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args, _ := json.Marshal([]string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--dm-token", restartToken, "--no-qr"})
	argv := append(append([]string{}, prefix...), exe, "-test.run=^TestNamespaceChildRole$")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), childRoleEnv+"=run", "HX_ARGS="+string(args))
	cmd.Stderr = io.Discard
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "DM console:"); ok {
			base, _, _ := strings.Cut(strings.TrimSpace(rest), "/dm#")
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return &hubProc{cmd: cmd, base: base}
		}
	}
	t.Fatalf("serve exited before printing its address: %v", sc.Err())
	return nil
}

func (p *hubProc) api(t *testing.T, method, path, body string, cookie string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, p.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+restartToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if cookie != "" {
		req.Header.Del("Authorization")
		req.Header.Set("Cookie", cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %s", method, path, raw)
		}
	}
	for _, c := range resp.Cookies() {
		if c.Name == "hexcrawl_player" {
			if s, ok := out.(*joined); ok {
				s.Cookie = c.Name + "=" + c.Value
			}
		}
	}
	return resp.StatusCode
}

type joined struct {
	PlayerID string
	Cookie   string
}

type sock struct {
	t    *testing.T
	conn *websocket.Conn
}

func (p *hubProc) dial(t *testing.T, campaignID, cookie string) *sock {
	t.Helper()
	url := "ws" + strings.TrimPrefix(p.base, "http") + "/ws?campaignId=" + campaignID
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	h := http.Header{}
	if cookie == "" {
		d.Subprotocols = []string{"hexcrawl.v1", "hexcrawl.dm." + restartToken}
	} else {
		h.Set("Cookie", cookie)
	}
	conn, _, err := d.Dial(url, h)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return &sock{t: t, conn: conn}
}

func (s *sock) send(msg string) {
	if err := s.conn.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		s.t.Fatalf("send: %v", err)
	}
}

// until reads frames until one of type typ, returning it.
func (s *sock) until(typ string) map[string]json.RawMessage {
	s.t.Helper()
	_ = s.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, data, err := s.conn.ReadMessage()
		if err != nil {
			s.t.Fatalf("waiting for %s: %v", typ, err)
		}
		var m map[string]json.RawMessage
		_ = json.Unmarshal(data, &m)
		if string(m["type"]) == `"`+typ+`"` {
			return m
		}
		if string(m["type"]) == `"error"` {
			s.t.Fatalf("waiting for %s: %s", typ, data)
		}
	}
}

func visible(t *testing.T, state map[string]json.RawMessage) []string {
	t.Helper()
	var grid string
	var m struct{ Width int }
	_ = json.Unmarshal(state["grid"], &grid)
	_ = json.Unmarshal(state["map"], &m)
	var out []string
	for i := range grid {
		if grid[i] != '?' {
			out = append(out, fmt.Sprintf("%d,%d", i%m.Width, i/m.Width))
		}
	}
	return out
}

// TestRestartAfterSIGKILL kills `hexcrawl serve` mid-session with SIGKILL and checks that the
// next start has the campaign, map, members, reveals, staged list, parties, their tokens and
// knowledge, markers and log intact, with the session paused for the DM to resume, and that every
// player still knows exactly what they knew: the same full state, hex states included.
func TestRestartAfterSIGKILL(t *testing.T) {
	data := filepath.Join(t.TempDir(), "hexcrawl.db")
	p := startServe(t, data)
	var campaigns []struct{ ID string }
	p.api(t, "GET", "/api/campaigns", "", "", &campaigns)
	if len(campaigns) != 1 {
		t.Fatalf("demo campaign: %+v", campaigns)
	}
	cid := campaigns[0].ID
	var invites []struct{ Code string }
	p.api(t, "GET", "/api/campaigns/"+cid+"/invites", "", "", &invites)
	var ana, bo joined
	if st := p.api(t, "POST", "/api/join", `{"code":"`+invites[0].Code+`","name":"Ana"}`, "", &ana); st != 201 {
		t.Fatalf("join: %d", st)
	}
	p.api(t, "POST", "/api/join", `{"code":"`+invites[0].Code+`","name":"Bo"}`, "", &bo)

	dm := p.dial(t, cid, "")
	var parties []struct{ ID string }
	_ = json.Unmarshal(dm.until("session:state")["parties"], &parties)
	company := parties[0].ID
	pa, pb := p.dial(t, cid, ana.Cookie), p.dial(t, cid, bo.Cookie)
	pa.until("session:state")
	pb.until("session:state")
	dm.send(`{"type":"session:start"}`)
	dm.send(`{"type":"hex:reveal","hexKeys":["0,0","1,0","2,0"],"targets":"all"}`)
	dm.send(`{"type":"hex:reveal","hexKeys":["5,5"],"targets":{"playerIds":["` + ana.PlayerID + `"]}}`)
	dm.send(`{"type":"hex:update","changes":[{"key":"1,0","terrain":"desert","label":"Glass Flats"}]}`)
	// Bo splits off with the scouts; the company (Ana) steps from Millbrook (3,6) to 4,6 and sees
	// around it; the scouts are told of a hex; a camp stands where the company stands.
	dm.send(`{"type":"party:create","name":"Scouts","color":"#3070c0","playerIds":["` + bo.PlayerID + `"],"key":"8,2"}`)
	dm.send(`{"type":"party:move","partyId":"` + company + `","path":["4,6"]}`)
	dm.send(`{"type":"hex:reveal","hexKeys":["9,2"],"targets":{"partyIds":["` + company + `"]},"state":"glimpsed"}`)
	dm.send(`{"type":"marker:place","key":"4,6","kind":"camp","label":"Hunters","visibility":"players"}`)
	dm.send(`{"type":"broadcast:mode","mode":"staged"}`)
	dm.send(`{"type":"hex:reveal","hexKeys":["3,0"],"targets":"all"}`)
	// Every message above is applied once the DM hears of the last (the room keeps order).
	dm.until("staged:changed")
	pa.until("dm:preparing")
	pb.until("dm:preparing")
	// What each must find again after the restart.
	before := map[string]map[string]json.RawMessage{
		"dm":  p.dial(t, cid, "").until("session:state"),
		"Ana": p.dial(t, cid, ana.Cookie).until("session:state"),
		"Bo":  p.dial(t, cid, bo.Cookie).until("session:state"),
	}
	var anaGrid string
	_ = json.Unmarshal(before["Ana"]["grid"], &anaGrid)
	if !strings.ContainsAny(anaGrid, "PFHMSDWCTJVR,") || len(before["Ana"]["markers"]) < 10 {
		t.Fatalf("Ana knows nothing glimpsed, or no marker, before the restart: %s %s", anaGrid, before["Ana"]["markers"])
	}

	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()

	p2 := startServe(t, data)
	dm2 := p2.dial(t, cid, "")
	st := dm2.until("session:state")
	var session struct{ Status string }
	_ = json.Unmarshal(st["session"], &session)
	if session.Status != "paused" {
		t.Fatalf("session after restart: %s", st["session"])
	}
	var staged []struct{ Kind string }
	var players []struct{ Name string }
	var labels map[string]string
	_ = json.Unmarshal(st["staged"], &staged)
	_ = json.Unmarshal(st["players"], &players)
	_ = json.Unmarshal(st["labels"], &labels)
	if len(staged) != 1 || staged[0].Kind != "reveal" || len(players) != 2 || labels["1,0"] != "Glass Flats" {
		t.Fatalf("DM state after restart: staged %+v players %+v labels %v", staged, players, labels)
	}
	// Everything the DM and each player knew, as it was: parties (tokens, members, undo),
	// knowledge in every scope and state, markers.
	after := map[string]map[string]json.RawMessage{
		"dm":  st,
		"Ana": p2.dial(t, cid, ana.Cookie).until("session:state"),
		"Bo":  p2.dial(t, cid, bo.Cookie).until("session:state"),
	}
	for who, fields := range map[string][]string{
		"dm":  {"grid", "labels", "notes", "revealedAll", "revealedTo", "partyKnown", "parties", "markers", "sightRules"},
		"Ana": {"grid", "labels", "parties", "markers", "you"},
		"Bo":  {"grid", "labels", "parties", "markers", "you"},
	} {
		for _, f := range fields {
			if !jsonEqual(before[who][f], after[who][f]) {
				t.Errorf("%s's %s after the restart:\n%s\nbefore:\n%s", who, f, after[who][f], before[who][f])
			}
		}
	}
	if bo, ana := visible(t, after["Bo"]), visible(t, after["Ana"]); slices.Contains(bo, "5,5") || !slices.Contains(ana, "5,5") {
		t.Fatalf("only Ana was shown 5,5: Ana sees %v, Bo %v", ana, bo)
	}
	var events []struct {
		Seq     int64
		Type    string
		Actor   string
		Payload json.RawMessage
	}
	p2.api(t, "GET", "/api/campaigns/"+cid+"/events", "", "", &events)
	last := events[len(events)-1]
	var reason struct{ Reason string }
	_ = json.Unmarshal(last.Payload, &reason)
	if last.Type != "session:pause" || last.Actor != "hub" || reason.Reason == "" {
		t.Fatalf("last event after restart: %+v", last)
	}
	for i, e := range events {
		if e.Seq != int64(i+1) {
			t.Fatalf("event log has a gap at %d: %+v", i, e)
		}
	}
	// The DM resumes deliberately.
	dm2.send(`{"type":"session:resume"}`)
	dm2.until("session:statusChanged")
}

// jsonEqual compares two JSON values, whatever their key order.
func jsonEqual(a, b json.RawMessage) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}
