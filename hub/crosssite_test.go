package hub

import (
	"database/sql"
	"os"
	"regexp"
	"strings"
	"testing"
)

// stateChangingRoutes are the API's routes that change something, with a valid request each.
// TestEveryChangingRouteIsCovered keeps the list complete.
func stateChangingRoutes(th *testHub, memberID string) []struct{ method, pattern, path, body string } {
	c, m := th.campaignID, th.mapID
	return []struct{ method, pattern, path, body string }{
		{"POST", "/api/join", "/api/join", `{"code":"` + th.code + `","name":"Mallory"}`},
		{"POST", "/api/campaigns", "/api/campaigns", `{"name":"Forged"}`},
		{"PATCH", "/api/campaigns/{id}", "/api/campaigns/" + c, `{"name":"Renamed"}`},
		{"DELETE", "/api/campaigns/{id}", "/api/campaigns/" + c, ``},
		{"POST", "/api/campaigns/{id}/maps", "/api/campaigns/" + c + "/maps", `{"name":"M","width":2,"height":2,"orientation":"flat"}`},
		{"PUT", "/api/campaigns/{id}/active-map", "/api/campaigns/" + c + "/active-map", `{"mapId":"` + m + `"}`},
		{"PATCH", "/api/maps/{id}", "/api/maps/" + m, `{"name":"Renamed"}`},
		{"PATCH", "/api/maps/{id}/hexes", "/api/maps/" + m + "/hexes", `{"changes":[{"key":"0,0","terrain":"forest"}]}`},
		{"POST", "/api/campaigns/{id}/invites", "/api/campaigns/" + c + "/invites", `{}`},
		{"DELETE", "/api/invites/{code}", "/api/invites/" + th.code, ``},
		{"DELETE", "/api/campaigns/{id}/members/{memberId}", "/api/campaigns/" + c + "/members/" + memberID, ``},
		{"POST", "/api/campaigns/{id}/members/revoke", "/api/campaigns/" + c + "/members/revoke", `{"memberIds":["` + memberID + `"]}`},
		{"POST", "/api/campaigns/{id}/displays", "/api/campaigns/" + c + "/displays", `{"name":"TV"}`},
		{"DELETE", "/api/campaigns/{id}/displays/{displayId}", "/api/campaigns/" + c + "/displays/00000000-0000-4000-8000-000000000001", ``},
		{"POST", "/api/import", "/api/import", `{}`},
		{"POST", "/api/backups", "/api/backups", ``},
	}
}

// Every state-changing route refuses another site's page (403) and a body that is not JSON
// (415), and changes nothing; the hub's own pages, the desktop window, --allow-origin and
// non-browser clients get through.
func TestCrossSiteRequestsRefused(t *testing.T) {
	const allowed = "http://localhost:5173"
	th := newTestHub(t, withConfig(func(c *Config) { c.AllowedOrigins = []string{allowed + "/"} }))
	_, memberID := th.join("Ana")
	host := strings.TrimPrefix(th.srv.URL, "http://")
	auth := "Bearer " + testToken
	for _, rt := range stateChangingRoutes(th, memberID) {
		t.Run(rt.method+" "+rt.pattern, func(t *testing.T) {
			refused := []struct {
				name    string
				headers map[string]string
				status  int
				code    string
			}{
				{"foreign origin", map[string]string{"Origin": "http://evil.example", "Content-Type": "application/json"}, 403, "forbidden"},
				{"cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"}, 403, "forbidden"},
				{"same-site subdomain", map[string]string{"Origin": "http://evil." + host, "Sec-Fetch-Site": "same-site", "Content-Type": "application/json"}, 403, "forbidden"},
				{"null origin (sandboxed frame)", map[string]string{"Origin": "null", "Content-Type": "application/json"}, 403, "forbidden"},
			}
			if rt.body != "" {
				refused = append(refused,
					struct {
						name    string
						headers map[string]string
						status  int
						code    string
					}{"text/plain body", map[string]string{"Content-Type": "text/plain"}, 415, "unsupported_media_type"},
					struct {
						name    string
						headers map[string]string
						status  int
						code    string
					}{"form body", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://" + host}, 415, "unsupported_media_type"},
					struct {
						name    string
						headers map[string]string
						status  int
						code    string
					}{"no content type", map[string]string{"Content-Type": ""}, 415, "unsupported_media_type"},
				)
			}
			for _, tc := range refused {
				tc.headers["Authorization"] = auth
				before := snapshotDB(t, th)
				status, raw := th.request(rt.method, rt.path, rt.body, tc.headers)
				if status != tc.status || !strings.Contains(string(raw), `"code":"`+tc.code+`"`) || !strings.Contains(string(raw), `"message":"`) {
					t.Fatalf("%s: %d %s, want %d %s with a message", tc.name, status, raw, tc.status, tc.code)
				}
				if after := snapshotDB(t, th); after != before {
					t.Fatalf("%s: the refused request changed the database", tc.name)
				}
			}
			// Passing the guard: the answer is the route's own (whatever it is), never 403/415.
			for _, h := range []map[string]string{
				{"Origin": "http://" + host, "Sec-Fetch-Site": "same-origin"},
				{"Origin": "wails://wails", "Sec-Fetch-Site": "cross-site"},
				{"Origin": allowed},
				{},
			} {
				h["Authorization"] = auth
				if rt.body != "" {
					h["Content-Type"] = "application/json; charset=utf-8"
				}
				// A request that would delete the fixture is sent with an unknown id instead.
				path := strings.Replace(rt.path, th.campaignID, "00000000-0000-4000-8000-000000000000", 1)
				if rt.method != "DELETE" && !strings.Contains(rt.pattern, "revoke") {
					path = rt.path
				}
				status, raw := th.request(rt.method, path, rt.body, h)
				if status == 403 || status == 415 {
					t.Fatalf("%v: refused with %d %s", h, status, raw)
				}
			}
		})
	}
}

// snapshotDB is a cheap fingerprint of everything a request could change.
func snapshotDB(t *testing.T, th *testHub) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"SELECT count(*) || ',' || COALESCE(group_concat(name), '') FROM campaign",
		"SELECT count(*) || ',' || COALESCE(group_concat(name || COALESCE(revoked_at, '')), '') FROM member",
		"SELECT count(*) FROM invite",
		"SELECT count(*) || ',' || COALESCE(group_concat(name), '') FROM map",
		"SELECT count(*) FROM hex",
		"SELECT count(*) FROM session_event",
		"SELECT count(*) || ',' || COALESCE(group_concat(name || COALESCE(revoked_at, '')), '') FROM display",
	} {
		var v string
		if err := th.rawDB(t).QueryRowContext(t.Context(), q).Scan(&v); err != nil {
			t.Fatal(err)
		}
		b.WriteString(v + ";")
	}
	return b.String()
}

// The list above names every state-changing route api.go registers.
func TestEveryChangingRouteIsCovered(t *testing.T) {
	src, err := os.ReadFile("api.go")
	if err != nil {
		t.Fatal(err)
	}
	th := &testHub{campaignID: "c", mapID: "m", code: "k"}
	covered := map[string]bool{}
	for _, rt := range stateChangingRoutes(th, "p") {
		covered[rt.method+" "+rt.pattern] = true
	}
	re := regexp.MustCompile(`mux\.HandleFunc\("((?:POST|PUT|PATCH|DELETE) [^"]+)"`)
	found := re.FindAllStringSubmatch(string(src), -1)
	if len(found) < 10 {
		t.Fatalf("found only %d routes in api.go", len(found))
	}
	for _, m := range found {
		if !covered[m[1]] {
			t.Errorf("route %s is not in stateChangingRoutes: add it, so the cross-site test covers it", m[1])
		}
	}
}

// rawDB is a second, plain connection to the hub's database file, for reading what no query of
// the Store returns.
func (th *testHub) rawDB(t *testing.T) *sql.DB {
	t.Helper()
	if th.raw == nil {
		db, err := sql.Open("sqlite", "file:"+th.store.Path()+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		th.raw = db
		th.t.Cleanup(func() { _ = db.Close() })
	}
	return th.raw
}
