package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The map editor's Go side, driven as the DM console drives it: the real
// `hexcrawl serve`, its HTTP API with the DM token, and the DM's WebSocket.

type mapDetail struct {
	ID     string
	Width  int
	Height int
	Grid   string
	Labels map[string]string
	Notes  map[string]string
}

func (p *hubProc) mapDetail(t *testing.T, id string) mapDetail {
	t.Helper()
	var m mapDetail
	if st := p.api(t, "GET", "/api/maps/"+id, "", "", &m); st != 200 {
		t.Fatalf("GET map %s: %d", id, st)
	}
	return m
}

func keysOf(t *testing.T, msg map[string]json.RawMessage) []string {
	t.Helper()
	var hexes []struct{ Key string }
	if err := json.Unmarshal(msg["hexes"], &hexes); err != nil {
		t.Fatalf("hexes: %v", err)
	}
	var keys []string
	for _, h := range hexes {
		keys = append(keys, h.Key)
	}
	slices.Sort(keys)
	return keys
}

// TestFirstLaunchDemoCampaign: a new data file gets one demo campaign with a small painted map,
// labelled places, DM notes and a join code, and only once.
func TestFirstLaunchDemoCampaign(t *testing.T) {
	data := filepath.Join(t.TempDir(), "hexcrawl.db")
	p := startServe(t, data)
	var cs []struct{ ID, Name, ActiveMapID string }
	p.api(t, "GET", "/api/campaigns", "", "", &cs)
	if len(cs) != 1 || cs[0].ActiveMapID == "" {
		t.Fatalf("campaigns on first launch: %+v", cs)
	}
	m := p.mapDetail(t, cs[0].ActiveMapID)
	if m.Width*m.Height == 0 || m.Width > 40 || strings.Contains(m.Grid, ".") || len(m.Labels) == 0 || len(m.Notes) == 0 {
		t.Fatalf("demo map: %dx%d grid %q labels %v notes %d", m.Width, m.Height, m.Grid, m.Labels, len(m.Notes))
	}
	var invites []struct{ Code string }
	p.api(t, "GET", "/api/campaigns/"+cs[0].ID+"/invites", "", "", &invites)
	if len(invites) != 1 || len(invites[0].Code) != 10 {
		t.Fatalf("demo invites: %+v", invites)
	}
	// Deleted stays deleted: the next start does not bring it back.
	if st := p.api(t, "DELETE", "/api/campaigns/"+cs[0].ID, "", "", nil); st != 204 {
		t.Fatalf("delete demo: %d", st)
	}
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
	p2 := startServe(t, data)
	cs = nil
	p2.api(t, "GET", "/api/campaigns", "", "", &cs)
	if len(cs) != 0 {
		t.Fatalf("campaigns after deleting the demo and restarting: %+v", cs)
	}
}

// TestMapEditing: a 200×200 map, painting, flood fill over the socket, and resizing that keeps
// the painted hexes.
func TestMapEditing(t *testing.T) {
	p := startServe(t, filepath.Join(t.TempDir(), "hexcrawl.db"))
	var c struct{ ID string }
	if st := p.api(t, "POST", "/api/campaigns", `{"name":"Editor"}`, "", &c); st != 201 {
		t.Fatalf("create campaign: %d", st)
	}
	var big, small struct{ ID string }
	if st := p.api(t, "POST", "/api/campaigns/"+c.ID+"/maps", `{"name":"Continent","width":200,"height":200,"orientation":"pointy"}`, "", &big); st != 201 {
		t.Fatalf("create a 200×200 map: %d", st)
	}
	if st := p.api(t, "POST", "/api/campaigns/"+c.ID+"/maps", `{"name":"Vale","width":6,"height":4,"orientation":"flat"}`, "", &small); st != 201 {
		t.Fatalf("create a 6×4 map: %d", st)
	}
	if st := p.api(t, "PUT", "/api/campaigns/"+c.ID+"/active-map", `{"mapId":"`+small.ID+`"}`, "", nil); st != 204 {
		t.Fatalf("activate: %d", st)
	}

	t.Run("fill", func(t *testing.T) {
		dm := p.dial(t, c.ID, "")
		dm.until("session:state")
		// A wall of water down column 2 splits the flat map in two (flat-top columns share edges
		// only with the next column's two hexes beside them).
		dm.send(`{"type":"hex:update","changes":[{"key":"2,0","terrain":"water"},{"key":"2,1","terrain":"water"},{"key":"2,2","terrain":"water"},{"key":"2,3","terrain":"water"},{"key":"4,1","terrain":"hills"}]}`)
		dm.until("hex:updated")
		dm.send(`{"type":"hex:fill","key":"0,0","terrain":"forest"}`)
		got := keysOf(t, dm.until("hex:updated"))
		want := []string{"0,0", "0,1", "0,2", "0,3", "1,0", "1,1", "1,2", "1,3"}
		if !slices.Equal(got, want) {
			t.Fatalf("fill west of the wall: %v, want %v", got, want)
		}
		// East of the wall the unpainted region goes round the hills hex, which stays.
		dm.send(`{"type":"hex:fill","key":"5,3","terrain":"desert"}`)
		if got := keysOf(t, dm.until("hex:updated")); len(got) != 11 || slices.Contains(got, "4,1") {
			t.Fatalf("fill east of the wall: %v", got)
		}
		m := p.mapDetail(t, small.ID)
		if m.Grid != "ffwddd"+"ffwdhd"+"ffwddd"+"ffwddd" {
			t.Fatalf("grid after the fills: %q", m.Grid)
		}
	})

	t.Run("resize keeps painted hexes", func(t *testing.T) {
		body := `{"changes":[{"key":"0,0","terrain":"mountains","label":"Peak"},{"key":"150,120","terrain":"swamp","notes":"bog"},{"key":"199,199","terrain":"ruins"}]}`
		if st := p.api(t, "PATCH", "/api/maps/"+big.ID+"/hexes", body, "", nil); st != 200 {
			t.Fatalf("paint the big map: %d", st)
		}
		at := func(m mapDetail, col, row int) byte { return m.Grid[row*m.Width+col] }
		var info struct{ Width, Height int }
		if st := p.api(t, "PATCH", "/api/maps/"+big.ID, `{"width":240,"height":210}`, "", &info); st != 200 || info.Width != 240 {
			t.Fatalf("grow: %d %+v", st, info)
		}
		m := p.mapDetail(t, big.ID)
		if len(m.Grid) != 240*210 || at(m, 0, 0) != 'm' || at(m, 150, 120) != 's' || at(m, 199, 199) != 'r' || m.Labels["0,0"] != "Peak" || m.Notes["150,120"] != "bog" {
			t.Fatalf("after growing to 240×210: %dx%d labels %v notes %v", m.Width, m.Height, m.Labels, m.Notes)
		}
		if strings.Count(m.Grid, ".") != 240*210-3 {
			t.Fatalf("growing painted new hexes: %d unpainted", strings.Count(m.Grid, "."))
		}
		// Shrinking cuts only what falls outside.
		p.api(t, "PATCH", "/api/maps/"+big.ID, `{"width":160,"height":130}`, "", nil)
		m = p.mapDetail(t, big.ID)
		if len(m.Grid) != 160*130 || at(m, 0, 0) != 'm' || at(m, 150, 120) != 's' || strings.Count(m.Grid, ".") != 160*130-2 {
			t.Fatalf("after shrinking to 160×130: %dx%d, %d unpainted", m.Width, m.Height, strings.Count(m.Grid, "."))
		}
	})
}

// TestCampaignFileThroughServe: export a campaign, import it back after deleting it, and refuse
// damaged, foreign and newer files with a clear message and without importing anything.
func TestCampaignFileThroughServe(t *testing.T) {
	p := startServe(t, filepath.Join(t.TempDir(), "hexcrawl.db"))
	var cs []struct{ ID, Name, ActiveMapID string }
	p.api(t, "GET", "/api/campaigns", "", "", &cs)
	demo := cs[0]
	before := p.mapDetail(t, demo.ActiveMapID)
	var file json.RawMessage
	if st := p.api(t, "GET", "/api/campaigns/"+demo.ID+"/export", "", "", &file); st != 200 {
		t.Fatalf("export: %d", st)
	}
	raw := string(file)

	type apiErr struct {
		Error struct{ Code, Message string }
	}
	refused := func(t *testing.T, body, want string) {
		t.Helper()
		var e apiErr
		st := p.api(t, "POST", "/api/import", body, "", &e)
		if st != 400 && st != 409 || !strings.Contains(strings.ToLower(e.Error.Message), want) {
			t.Fatalf("import: %d %+v, want a refusal mentioning %q", st, e, want)
		}
		var now []struct{ ID string }
		p.api(t, "GET", "/api/campaigns", "", "", &now)
		if len(now) != 1 {
			t.Fatalf("a refused import changed the campaigns: %d", len(now))
		}
	}
	t.Run("same campaign again is a conflict", func(t *testing.T) { refused(t, raw, "already") })

	if st := p.api(t, "DELETE", "/api/campaigns/"+demo.ID, "", "", nil); st != 204 {
		t.Fatalf("delete: %d", st)
	}
	// Refusals against an empty hub: nothing half-imported means still no campaign at all.
	refusedEmpty := func(t *testing.T, body, want string) {
		t.Helper()
		var e apiErr
		st := p.api(t, "POST", "/api/import", body, "", &e)
		if st != 400 || !strings.Contains(strings.ToLower(e.Error.Message), want) {
			t.Fatalf("import: %d %+v, want 400 mentioning %q", st, e, want)
		}
		var now []struct{ ID string }
		p.api(t, "GET", "/api/campaigns", "", "", &now)
		if len(now) != 0 {
			t.Fatalf("a refused import left %d campaigns", len(now))
		}
	}
	t.Run("damaged: cut short", func(t *testing.T) { refusedEmpty(t, raw[:len(raw)/2], "campaign file") })
	t.Run("damaged: a byte changed", func(t *testing.T) {
		if !strings.Contains(raw, `"hexes":[`) {
			t.Fatalf("the export has no hexes array to damage: %.200s", raw)
		}
		refusedEmpty(t, strings.Replace(raw, `"hexes":[`, `"hexes":{`, 1), "campaign file")
	})
	t.Run("foreign", func(t *testing.T) {
		refusedEmpty(t, `{"format":"tiled-map","version":1}`, "not a hexcrawl campaign file")
	})
	t.Run("newer version", func(t *testing.T) {
		refusedEmpty(t, strings.Replace(raw, `"version":2`, `"version":99`, 1), "newer")
	})

	t.Run("round trip", func(t *testing.T) {
		var c struct{ ID, Name string }
		if st := p.api(t, "POST", "/api/import", raw, "", &c); st != 201 || c.ID != demo.ID || c.Name != demo.Name {
			t.Fatalf("import: %d %+v", st, c)
		}
		after := p.mapDetail(t, demo.ActiveMapID)
		if after.Grid != before.Grid || !mapsEqual(after.Labels, before.Labels) || !mapsEqual(after.Notes, before.Notes) {
			t.Fatalf("map after the round trip differs:\nbefore %+v\nafter  %+v", before, after)
		}
	})
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
