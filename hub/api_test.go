package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAPIErrors(t *testing.T) {
	th := newTestHub(t)
	dm := map[string]string{"Authorization": "Bearer " + testToken}
	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		headers    map[string]string
		wantStatus int
		wantCode   string
	}{
		{"no token", "GET", "/api/campaigns", "", nil, 401, "unauthorized"},
		{"wrong token", "GET", "/api/campaigns", "", map[string]string{"Authorization": "Bearer nope"}, 401, "unauthorized"},
		{"bad JSON", "POST", "/api/campaigns", "{", dm, 400, "invalid"},
		{"unknown field", "POST", "/api/campaigns", `{"name":"x","evil":1}`, dm, 400, "invalid"},
		{"trailing data", "POST", "/api/campaigns", `{"name":"x"}{}`, dm, 400, "invalid"},
		{"empty name", "POST", "/api/campaigns", `{"name":"  "}`, dm, 400, "invalid"},
		{"unknown campaign", "GET", "/api/campaigns/00000000-0000-4000-8000-000000000000", "", dm, 404, "not_found"},
		{"map too big", "POST", "/api/campaigns/" + th.campaignID + "/maps", `{"name":"m","width":401,"height":2,"orientation":"flat"}`, dm, 400, "invalid"},
		{"bad orientation", "POST", "/api/campaigns/" + th.campaignID + "/maps", `{"name":"m","width":4,"height":2,"orientation":"round"}`, dm, 400, "invalid"},
		{"hex off map", "PATCH", "/api/maps/" + th.mapID + "/hexes", `{"changes":[{"key":"8,0","terrain":"forest"}]}`, dm, 400, "invalid"},
		{"hex bad terrain", "PATCH", "/api/maps/" + th.mapID + "/hexes", `{"changes":[{"key":"0,0","terrain":"lava"}]}`, dm, 400, "invalid"},
		{"oversized body", "PATCH", "/api/maps/" + th.mapID + "/hexes", `{"changes":[{"key":"0,0","notes":"` + strings.Repeat("x", 20<<20) + `"}]}`, dm, 413, "invalid"},
		{"join unknown code", "POST", "/api/join", `{"code":"ZZZZZZZZZZ","name":"Ana"}`, nil, 404, "not_found"},
		{"join without name", "POST", "/api/join", `{"code":"` + th.code + `","name":""}`, nil, 400, "invalid"},
		{"me without cookie", "GET", "/api/me", "", nil, 401, "unauthorized"},
		{"revoke unknown", "DELETE", "/api/campaigns/" + th.campaignID + "/members/nobody", "", dm, 404, "not_found"},
		{"events bad after", "GET", "/api/campaigns/" + th.campaignID + "/events?after=x", "", dm, 400, "invalid"},
		{"unknown route", "GET", "/api/nope", "", dm, 404, "not_found"},
		{"import garbage", "POST", "/api/import", `not json`, dm, 400, "invalid"},
		{"import foreign", "POST", "/api/import", `{"format":"other","version":1}`, dm, 400, "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, raw := th.request(tt.method, tt.path, tt.body, tt.headers)
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", status, tt.wantStatus, raw)
			}
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(raw, &e); err != nil || e.Error.Code != tt.wantCode || e.Error.Message == "" {
				t.Fatalf("body %s, want code %q", raw, tt.wantCode)
			}
		})
	}
}

// GET /api/invites/{code} names the code's campaign for anyone holding the code, typed the way
// POST /api/join accepts it, and says no more than POST /api/join for a bad or expired one.
func TestInviteLookup(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	expired := "ZZZZZZZZZ2"
	if _, err := th.store.CreateInvite(ctx, th.campaignID, expired, time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	var other struct{ ID string }
	th.api("POST", "/api/campaigns", `{"name":"Other Night"}`, 201, &other)
	var otherInv struct{ Code string }
	th.api("POST", "/api/campaigns/"+other.ID+"/invites", `{}`, 201, &otherInv)
	spaced := strings.ToLower(th.code[:5] + " " + th.code[5:])
	dashed := th.code[:5] + "-" + th.code[5:]
	tests := []struct {
		name       string
		code       string
		wantStatus int
		want       inviteLookup // for 200
		wantCode   string       // for errors
	}{
		{"valid", th.code, 200, inviteLookup{th.campaignID, "Test Fen"}, ""},
		{"lower case with a space", url.PathEscape(spaced), 200, inviteLookup{th.campaignID, "Test Fen"}, ""},
		{"with a dash", dashed, 200, inviteLookup{th.campaignID, "Test Fen"}, ""},
		{"another campaign's", otherInv.Code, 200, inviteLookup{other.ID, "Other Night"}, ""},
		{"unknown", "ZZZZZZZZZZ", 404, inviteLookup{}, "not_found"},
		{"expired", expired, 410, inviteLookup{}, "gone"},
		{"expired, lower case", strings.ToLower(expired), 410, inviteLookup{}, "gone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// No credentials at all: the code is the only key.
			status, raw := th.request("GET", "/api/invites/"+tt.code, "", nil)
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", status, tt.wantStatus, raw)
			}
			if tt.wantStatus != 200 {
				var e struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal(raw, &e); err != nil || e.Error.Code != tt.wantCode || e.Error.Message == "" {
					t.Fatalf("body %s, want code %q", raw, tt.wantCode)
				}
				if strings.Contains(string(raw), th.campaignID) || strings.Contains(string(raw), "Test Fen") {
					t.Fatalf("a refused code names the campaign: %s", raw)
				}
				return
			}
			// Exactly the two fields: nothing about maps, members or sessions.
			var got inviteLookup
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&got); err != nil || got != tt.want {
				t.Fatalf("body %s (%v), want %+v", raw, err, tt.want)
			}
		})
	}
	// Looking a code up joins nobody.
	var members []memberView
	th.api("GET", "/api/campaigns/"+th.campaignID+"/members", "", 200, &members)
	if len(members) != 0 {
		t.Fatalf("members after lookups: %+v", members)
	}
}

func TestJoinExpiredCode(t *testing.T) {
	th := newTestHub(t)
	var inv struct{ Code string }
	th.api("POST", "/api/campaigns/"+th.campaignID+"/invites", `{"expiresInHours":0.0001}`, 201, &inv)
	time.Sleep(400 * time.Millisecond) // 0.36 s: past the code's life
	status, raw := th.request("POST", "/api/join", `{"code":"`+strings.ToLower(inv.Code)+`","name":"Ana"}`, nil)
	if status != 410 || !strings.Contains(string(raw), "expired") {
		t.Fatalf("expired code: %d %s", status, raw)
	}
}

// A player who joins keeps the same identity on reload; revoking closes their sockets with 4004
// and their cookie stops working.
func TestJoinMeRevoke(t *testing.T) {
	th := newTestHub(t)
	cookie, id := th.join("Ana")
	status, raw := th.request("GET", "/api/me", "", map[string]string{"Cookie": cookie})
	if status != 200 || !strings.Contains(string(raw), id) || !strings.Contains(string(raw), "Test Fen") {
		t.Fatalf("me: %d %s", status, raw)
	}
	dm := th.dm("dm")
	p := th.player("Ana", cookie)
	th.api("DELETE", "/api/campaigns/"+th.campaignID+"/members/"+id, "", 200, nil)
	if code := p.waitClosed(); code != CloseRevoked {
		t.Fatalf("revoked socket closed with %d, want %d", code, CloseRevoked)
	}
	if status, _ := th.request("GET", "/api/me", "", map[string]string{"Cookie": cookie}); status != 401 {
		t.Fatalf("revoked cookie: me %d", status)
	}
	again, _, err := th.dial("again", th.campaignID, dialOpts{header: http.Header{"Cookie": {cookie}}})
	if err != nil {
		t.Fatal(err)
	}
	if code := again.waitClosed(); code != CloseUnauthorized {
		t.Fatalf("revoked reconnect closed with %d", code)
	}
	left := decode[struct{ PlayerIDs []string }](t, dm.skipUntil("player:left"))
	if len(left.PlayerIDs) != 1 || left.PlayerIDs[0] != id {
		t.Fatalf("player:left %+v", left)
	}
}

// A player with two tabs open counts once: one join, and a leave only when the last tab closes.
func TestTwoTabsCountOnce(t *testing.T) {
	th := newTestHub(t)
	cookie, id := th.join("Ana")
	dm := th.dm("dm")
	tab1 := th.player("Ana", cookie)
	tab2 := th.player("Ana", cookie)
	joined := decode[struct{ Players []memberRef }](t, dm.skipUntil("player:joined"))
	if len(joined.Players) != 1 || joined.Players[0].ID != id {
		t.Fatalf("joined %+v", joined)
	}
	_ = tab1.conn.Close()
	// Prove no player:left arrives while tab2 is open: make something happen after the close
	// has been processed, and check it is the next thing the DM hears.
	time.Sleep(3 * presenceDelay)
	dm.send(`{"type":"broadcast:mode","mode":"staged"}`)
	if f := dm.next(); f.Type != "broadcast:modeChanged" {
		t.Fatalf("after closing one tab the DM got %s", f.raw)
	}
	_ = tab2.conn.Close()
	left := decode[struct{ PlayerIDs []string }](t, dm.skipUntil("player:left"))
	if len(left.PlayerIDs) != 1 || left.PlayerIDs[0] != id {
		t.Fatalf("left %+v", left)
	}
	var members []memberView
	th.api("GET", "/api/campaigns/"+th.campaignID+"/members", "", 200, &members)
	if len(members) != 1 || members[0].Online {
		t.Fatalf("members %+v", members)
	}
}

// The curl block in docs/protocol.md works as written.
func TestProtocolDocCurlExample(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed (scripts/install-deps.sh installs it)")
	}
	doc, err := os.ReadFile(filepath.Join("..", "docs", "protocol.md"))
	if err != nil {
		t.Fatal(err)
	}
	section := string(doc)[strings.Index(string(doc), "### curl"):]
	start := strings.Index(section, "```sh\n") + len("```sh\n")
	script := section[start : start+strings.Index(section[start:], "```")]
	th := newTestHub(t)
	script = strings.Replace(script, "HUB=http://localhost:7777", "HUB="+th.srv.URL, 1)
	script = strings.Replace(script, "TOKEN=paste-the-token-printed-by-hexcrawl-serve", "TOKEN="+testToken, 1)
	dir := t.TempDir()
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the documented curl session failed: %v\n%s", err, out)
	}
	for _, want := range []string{`"name":"Ana"`, `"seq"`} {
		if !strings.Contains(string(out), want) {
			t.Fatalf("output lacks %s:\n%s", want, out)
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "fenlands.hexcrawl.json"))
	if err != nil || !strings.Contains(string(raw), `"Old Mill"`) || !strings.Contains(string(raw), `"bandits"`) {
		t.Fatalf("export file: %v %.200s", err, raw)
	}
	// The exported file imports on another hub.
	other := newTestHub(t)
	other.api("POST", "/api/import", string(raw), 201, nil)
}
