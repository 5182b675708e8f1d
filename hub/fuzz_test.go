package hub

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hexcrawl/hexcrawl/game"
)

// FuzzSession drives a real hub (real sockets, real SQLite file) with DM messages the fuzzer
// writes, one per line; $ANA and $BO stand for the two players' ids so private reveals are
// reachable. After each input it checks the fog as a property, whatever the messages did:
//
//   - no player frame carries DM-only fields (notes, staged list, reveal bookkeeping);
//   - every reply to a refused message is an error with a known code and a message;
//   - the DM's socket stays open;
//   - what each player built from their deltas equals the full state a fresh connection of
//     theirs gets now: the deltas told them exactly what they may see, no more, no less.
//
// `go test` runs the seeds below; `go test ./hub -run '^$' -fuzz FuzzSession -fuzztime 2m`
// explores further.
func FuzzSession(f *testing.F) {
	for _, seed := range []string{
		`{"type":"session:start"}` + "\n" + `{"type":"hex:reveal","hexKeys":["0,0","1,0"],"targets":"all"}`,
		`{"type":"hex:update","changes":[{"key":"2,2","terrain":"forest","label":"Wood","notes":"secret"}]}` + "\n" +
			`{"type":"session:start"}` + "\n" + `{"type":"hex:reveal","hexKeys":["2,2"],"targets":{"playerIds":["$ANA"]}}` + "\n" +
			`{"type":"hex:update","changes":[{"key":"2,2","terrain":"hills","label":""}]}`,
		`{"type":"session:start"}` + "\n" + `{"type":"token:move","key":"3,3"}` + "\n" +
			`{"type":"hex:reveal","hexKeys":["3,3"],"targets":{"playerIds":["$BO","$ANA"]}}` + "\n" +
			`{"type":"hex:hide","hexKeys":["3,3"],"targets":{"playerIds":["$BO"]}}` + "\n" + `{"type":"token:move","key":null}`,
		`{"type":"session:start"}` + "\n" + `{"type":"broadcast:mode","mode":"staged"}` + "\n" +
			`{"type":"hex:reveal","hexKeys":["4,4"],"targets":"all"}` + "\n" + `{"type":"hex:fill","key":"0,0","terrain":"water"}` + "\n" +
			`{"type":"staged:undo","index":0}` + "\n" + `{"type":"broadcast:publish"}`,
		`{"type":"session:start"}` + "\n" + `{"type":"hex:reveal","hexKeys":["0,0"],"targets":"all"}` + "\n" +
			`{"type":"hex:hide","hexKeys":["0,0"],"targets":"all"}` + "\n" + `{"type":"session:pause"}` + "\n" + `{"type":"session:end"}`,
		`not json` + "\n" + `{"type":"hex:reveal","hexKeys":["99,99"],"targets":"all"}` + "\n" + `{"type":"nope"}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		lines := strings.Split(input, "\n")
		if len(lines) > 16 || len(input) > 4096 {
			t.Skip("keep inputs small: the fog property does not need long ones")
		}
		th := newTestHub(t)
		anaCookie, ana := th.join("Ana")
		boCookie, bo := th.join("Bo")
		syncCookie, syncID := th.join("Sync")
		dm := th.dm("dm")
		players := map[string]*wsClient{ana: th.player("Ana", anaCookie), bo: th.player("Bo", boCookie)}
		cookies := map[string]string{ana: anaCookie, bo: boCookie}

		ids := strings.NewReplacer("$ANA", ana, "$BO", bo)
		for _, line := range lines {
			dm.send(ids.Replace(line))
		}
		// The room handles a socket's messages in order, so once this one's error is back, every
		// line above has been applied or refused and its frames are queued.
		dm.send(`{"type":"staged:undo","index":1000000,"ref":"fuzz-sync"}`)
		for {
			f := dm.skipUntil("error")
			e := decode[errorMsg](t, f)
			if e.Message == "" || !knownErrorCode(e.Code) {
				t.Fatalf("error without a known code and a message: %s", f.raw)
			}
			if e.Ref == "fuzz-sync" {
				break
			}
		}
		// A third player coming online is announced to everyone after all of the above, so it
		// marks the end of what the two players were sent.
		th.player("Sync", syncCookie)
		for id, p := range players {
			for {
				f := p.skipUntil("player:joined")
				if bytes.Contains(f.raw, []byte(syncID)) {
					break
				}
			}
			built := projectionFrom(t, p.received())
			fresh := projectionFrom(t, th.player("again", cookies[id]).received()[:1])
			if built != fresh {
				t.Fatalf("%s built from deltas:\n%+v\nbut a fresh connection gets:\n%+v\nframes: %s", p.name, built, fresh, bytes.Join(p.received(), []byte("\n")))
			}
		}
		select {
		case <-dm.closed:
			t.Fatalf("the DM's socket closed (%d)", dm.code)
		default:
		}
	})
}

func knownErrorCode(c game.ErrorCode) bool {
	switch c {
	case game.EMalformed, game.EUnknownType, game.EInvalid, game.EForbidden, game.ENotFound, game.EConflict, game.EUnauth, game.EGone, game.EInternal:
		return true
	}
	return false
}

// playerProjection is what a player's client holds: the grid with fog, labels, the token.
type playerProjection struct {
	grid   string
	labels string // sorted key=label pairs, comparable
	token  string
	status string
}

// projectionFrom replays a player's frames the way the player view does, checking on the way
// that none carries anything only the DM may see.
func projectionFrom(t *testing.T, frames [][]byte) playerProjection {
	t.Helper()
	var grid []byte
	var width int
	labels := map[string]string{}
	var token *string
	status := ""
	index := func(key string) int {
		k, err := game.ParseKey(key)
		if err != nil || width == 0 || k.Col >= width || k.Row*width+k.Col >= len(grid) {
			t.Fatalf("a player frame names hex %q off the %d-wide map", key, width)
		}
		return k.Row*width + k.Col
	}
	for _, raw := range frames {
		for _, banned := range []string{`"notes":`, `"staged":`, `"revealedTo":`, `"revealedAll":`, `"targets":`} {
			if bytes.Contains(raw, []byte(banned)) {
				t.Fatalf("a player received %s: %s", banned, raw)
			}
		}
		var m struct {
			Type    string
			Grid    string
			Map     *mapView
			Labels  map[string]string
			Token   *string
			Key     *string
			Keys    []string
			Hexes   []hexView
			Status  string
			Session *sessionView
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("a player frame is not JSON: %s", raw)
		}
		switch m.Type {
		case msgSessionState:
			grid, labels, token, width = []byte(m.Grid), m.Labels, m.Token, 0
			if m.Map != nil {
				width = m.Map.Width
			}
			status = ""
			if m.Session != nil {
				status = string(m.Session.Status)
			}
		case msgHexRevealed, msgHexUpdated:
			for _, h := range m.Hexes {
				i := index(h.Key)
				if m.Type == msgHexUpdated && grid[i] == game.FogCode {
					t.Fatalf("hex:updated for %s, which this player cannot see: %s", h.Key, raw)
				}
				grid[i] = h.Terrain.Code()
				setOrDeleteLabel(labels, h.Key, h.Label)
			}
		case msgHexHidden:
			for _, k := range m.Keys {
				grid[index(k)] = game.FogCode
				delete(labels, k)
			}
		case msgStatusChanged:
			status = m.Status
		}
	}
	p := playerProjection{grid: string(grid), status: status}
	if token != nil {
		p.token = *token
	}
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		p.labels += k + "=" + labels[k] + ";"
	}
	return p
}

func setOrDeleteLabel(labels map[string]string, key, label string) {
	if label == "" {
		delete(labels, key)
	} else {
		labels[key] = label
	}
}
