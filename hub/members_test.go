package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
)

// joinWith posts a join as a browser would, with its cookie jar header (may be ""), and returns
// the status, the body and the new cookie if one was set.
func (th *testHub) joinWith(code, name, cookie string) (int, string, string) {
	th.t.Helper()
	req, _ := http.NewRequest("POST", th.srv.URL+"/api/join", strings.NewReader(fmt.Sprintf(`{"code":%q,"name":%q}`, code, name)))
	req.Header.Set("Content-Type", "application/json")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		th.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		if c.Name == playerCookieName {
			return resp.StatusCode, string(raw), c.Name + "=" + c.Value
		}
	}
	return resp.StatusCode, string(raw), ""
}

func (th *testHub) inviteCodes() []string {
	th.t.Helper()
	var invs []inviteView
	th.api("GET", "/api/campaigns/"+th.campaignID+"/invites", "", 200, &invs)
	var codes []string
	for _, inv := range invs {
		codes = append(codes, inv.Code)
	}
	slices.Sort(codes)
	return codes
}

// A removed player stays out: removing rotates the table's join code (the answer carries the new
// one) and the removed seat's browser is refused even with the new code. Keeping the code is the
// DM's choice; the browser is refused all the same.
func TestRemovedPlayerStaysOut(t *testing.T) {
	th := newTestHub(t)
	var second inviteView
	th.api("POST", "/api/campaigns/"+th.campaignID+"/invites", `{}`, 201, &second)
	anaCookie, anaID := th.join("Ana")
	dm := th.dm("dm")
	ana := th.player("Ana", anaCookie)

	var res revokeResult
	th.api("DELETE", "/api/campaigns/"+th.campaignID+"/members/"+anaID, "", 200, &res)
	if code := ana.waitClosed(); code != CloseRevoked {
		t.Fatalf("Ana's socket closed with %d", code)
	}
	if res.Invite == nil || res.Invite.Code == th.code || res.Invite.Code == second.Code || !slices.Equal(res.Revoked, []string{anaID}) {
		t.Fatalf("revoke answered %+v", res)
	}
	if !strings.HasSuffix(res.Invite.JoinURL, "/join/"+res.Invite.Code) || time.Until(res.Invite.ExpiresAt) < game.InviteDefaultExpiry-time.Minute {
		t.Fatalf("new invite %+v", res.Invite)
	}
	if got := th.inviteCodes(); !slices.Equal(got, []string{res.Invite.Code}) {
		t.Fatalf("invites after the revoke: %v, want only the new code", got)
	}
	// The old codes are gone, for lookups and joins alike.
	for _, old := range []string{th.code, second.Code} {
		if status, _ := th.request("GET", "/api/invites/"+old, "", nil); status != 404 {
			t.Fatalf("lookup of an old code: %d", status)
		}
		if status, body, _ := th.joinWith(old, "Ana again", ""); status != 404 {
			t.Fatalf("join with an old code: %d %s", status, body)
		}
	}
	// Ana's browser, even with the new code, is refused and gets no cookie.
	status, body, cookie := th.joinWith(res.Invite.Code, "Ana again", anaCookie)
	if status != 403 || !strings.Contains(body, `"code":"forbidden"`) || !strings.Contains(body, "removed you") || cookie != "" {
		t.Fatalf("rejoin from the removed seat: %d %s (cookie %q)", status, body, cookie)
	}
	// Everyone else joins with the new code.
	status, body, boCookie := th.joinWith(res.Invite.Code, "Bo", "")
	if status != 201 {
		t.Fatalf("a new player with the new code: %d %s", status, body)
	}
	var bo meView
	_ = json.Unmarshal([]byte(body), &bo)

	// keepCode: the codes stay, the removed browser is still refused.
	th.api("DELETE", "/api/campaigns/"+th.campaignID+"/members/"+bo.PlayerID+"?keepCode=true", "", 200, &res)
	if res.Invite != nil {
		t.Fatalf("keepCode made a new code: %+v", res.Invite)
	}
	if status, body, _ := th.joinWith(res.Revoked[0][:0]+th.inviteCodes()[0], "Bo again", boCookie); status != 403 {
		t.Fatalf("rejoin with a kept code from the removed seat: %d %s", status, body)
	}
	if status, body, _ := th.joinWith(th.inviteCodes()[0], "Cy", ""); status != 201 {
		t.Fatalf("a kept code: %d %s", status, body)
	}
	th.api("DELETE", "/api/campaigns/"+th.campaignID+"/members/"+anaID, "", 404, nil)
	th.api("DELETE", "/api/campaigns/"+th.campaignID+"/members/"+anaID+"?keepCode=maybe", "", 400, nil)
	dm.skipUntil("player:left")
}

// Removing many at once is all or nothing, closes every socket of theirs with 4004 and tells the
// table once.
func TestRevokeInBulk(t *testing.T) {
	th := newTestHub(t)
	var ids []string
	var players []*wsClient
	for i := range 5 {
		cookie, id := th.join(fmt.Sprintf("P%d", i))
		ids = append(ids, id)
		players = append(players, th.player(fmt.Sprintf("P%d", i), cookie))
	}
	dm := th.dm("dm")
	body := func(ids ...string) string {
		b, _ := json.Marshal(revokeBody{MemberIDs: ids})
		return string(b)
	}
	before := snapshotDB(t, th)
	th.api("POST", "/api/campaigns/"+th.campaignID+"/members/revoke", body(ids[0], ids[1], "nobody"), 404, nil)
	th.api("POST", "/api/campaigns/"+th.campaignID+"/members/revoke", `{"memberIds":[]}`, 400, nil)
	if snapshotDB(t, th) != before {
		t.Fatal("a refused bulk revoke changed something")
	}
	var res revokeResult
	th.api("POST", "/api/campaigns/"+th.campaignID+"/members/revoke", body(ids[3], ids[0], ids[1], ids[0]), 200, &res)
	want := slices.Sorted(slices.Values([]string{ids[0], ids[1], ids[3]}))
	if !slices.Equal(res.Revoked, want) || res.Invite == nil {
		t.Fatalf("bulk revoke answered %+v", res)
	}
	for _, i := range []int{0, 1, 3} {
		if code := players[i].waitClosed(); code != CloseRevoked {
			t.Fatalf("P%d closed with %d", i, code)
		}
	}
	for {
		f := dm.skipUntil("player:left")
		left := decode[playerLeftMsg](t, f)
		if slices.Contains(left.PlayerIDs, ids[0]) {
			if !slices.Equal(slices.Sorted(slices.Values(left.PlayerIDs)), want) {
				t.Fatalf("player:left %v, want the three at once", left.PlayerIDs)
			}
			break
		}
	}
	var members []memberView
	th.api("GET", "/api/campaigns/"+th.campaignID+"/members", "", 200, &members)
	var active []string
	for _, m := range members {
		if m.RevokedAt == nil {
			active = append(active, m.ID)
		}
	}
	if !slices.Equal(slices.Sorted(slices.Values(active)), slices.Sorted(slices.Values([]string{ids[2], ids[4]}))) {
		t.Fatalf("active members %v", active)
	}
	// The others still play.
	dm.send(`{"type":"session:start"}`)
	players[2].skipUntil("session:statusChanged")
}

// Join attempts and code lookups are limited per client address (429 with Retry-After), and a
// campaign holds at most MaxMembers players (409); a removed player frees a seat.
func TestJoinLimits(t *testing.T) {
	th := newTestHub(t, withConfig(func(c *Config) { c.JoinsPerMinute = 4; c.MaxMembers = 100000 }))
	for i := range 3 {
		if status, body, _ := th.joinWith(th.code, fmt.Sprintf("P%d", i), ""); status != 201 {
			t.Fatalf("join %d: %d %s", i, status, body)
		}
	}
	if status, _ := th.request("GET", "/api/invites/"+th.code, "", nil); status != 200 {
		t.Fatalf("lookup: %d", status)
	}
	before := snapshotDB(t, th)
	req, _ := http.NewRequest("POST", th.srv.URL+"/api/join", strings.NewReader(`{"code":"`+th.code+`","name":"P9"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(raw), `"code":"rate_limited"`) {
		t.Fatalf("fifth attempt: %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), raw)
	}
	if status, _ := th.request("GET", "/api/invites/"+th.code, "", nil); status != 429 {
		t.Fatalf("lookup past the limit: %d", status)
	}
	if snapshotDB(t, th) != before {
		t.Fatal("a limited join changed something")
	}
	// Another address (127.0.0.2, loopback too) has its own allowance.
	other := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).DialContext}}
	req, _ = http.NewRequest("POST", th.srv.URL+"/api/join", strings.NewReader(`{"code":"`+th.code+`","name":"Elsewhere"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err = other.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("join from another address: %d", resp.StatusCode)
	}

	capped := newTestHub(t, withConfig(func(c *Config) { c.MaxMembers = 2 }))
	_, first := capped.join("A")
	capped.join("B")
	status, body, _ := capped.joinWith(capped.code, "C", "")
	if status != 409 || !strings.Contains(body, `"code":"conflict"`) || !strings.Contains(body, "--max-members") {
		t.Fatalf("past the cap: %d %s", status, body)
	}
	capped.api("DELETE", "/api/campaigns/"+capped.campaignID+"/members/"+first+"?keepCode=true", "", 200, nil)
	if status, body, _ := capped.joinWith(capped.code, "C", ""); status != 201 {
		t.Fatalf("after a removal: %d %s", status, body)
	}
	_ = context.Background()
}
