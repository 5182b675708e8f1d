package hub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hexcrawl/hexcrawl/game"
)

// The fog as a property, for every frame a player receives. replayPlayer is a player's client:
// it builds the projection from session:state and the deltas after it, and checks as it goes
// that nothing breaks the fog. expectedFor derives, independently, the projection a player
// must have from the DM's full state (what all, each party and each player know). A test then
// asks: built from deltas == a fresh session:state == derived from the DM's state.

// projection is what a player's client holds, in comparable form.
type projection struct {
	grid    string // one code per hex: '?' fog, lower case explored, upper case (',') glimpsed
	labels  string // sorted key=label;
	roads   string // sorted keys;
	parties string // the player's list, as JSON
	markers string // the player's list, as JSON
	status  string
	travel  string // their party's clock, pace and weather, as JSON
	notes   string // the players' notes they may read, as JSON
}

func (p projection) String() string {
	return fmt.Sprintf("grid %s\nlabels %s\nroads %s\nparties %s\nmarkers %s\nstatus %s\ntravel %s\nnotes %s", p.grid, p.labels, p.roads, p.parties, p.markers, p.status, p.travel, p.notes)
}

// bannedForPlayers are fields only the DM's messages have.
var bannedForPlayers = []string{`"notes":`, `"staged":`, `"revealedTo":`, `"revealedAll":`, `"targets":`,
	`"partyKnown":`, `"visibility":`, `"undo":`, `"default":`, `"sightRules":`, `"explored":`, `"glimpsed":[`,
	// The travel turn: rolls, rules, prompts, a lost party's true position, the weather's effects.
	`"lost":`, `"roll":`, `"faces":`, `"events":`, `"travelRules":`, `"rules":`, `"encounters":`, `"check":`,
	`"sightPenalty":`, `"paceFactor":`, `"climate":`, `"minutes":`, `"travelled":`}

// playerMessages are the message types a player's or a table screen's socket may receive
// (docs/protocol.md, the "to" columns); any other is DM-only, whatever fields it carries.
var playerMessages = map[string]bool{msgSessionState: true, msgStatusChanged: true, msgHexRevealed: true,
	msgHexHidden: true, msgHexUpdated: true, msgPartiesChanged: true, msgMarkersChanged: true,
	msgMapChanged: true, msgPlayerJoined: true, msgPlayerLeft: true, msgDMPreparing: true,
	msgTravelChanged: true, msgHexPinged: true, msgNotesChanged: true, msgPong: true, msgError: true,
	msgTestSync: true}

// replay is a player's client state while replaying.
type replay struct {
	me      string
	width   int
	grid    []byte
	labels  map[string]string
	roads   map[string]bool
	parties []playerPartyView
	markers []playerMarkerView
	status  string
	travel  *playerTravelView
	notes   []noteView
	display *displayView // a table screen's replay
	pings   int          // pings received, each checked as it came
}

func (r *replay) index(key string) (int, error) {
	k, err := game.ParseKey(key)
	if err != nil || r.width == 0 || k.Col >= r.width || k.Row*r.width+k.Col >= len(r.grid) {
		return 0, fmt.Errorf("a player frame names hex %q off the %d-wide map", key, r.width)
	}
	return k.Row*r.width + k.Col, nil
}

func explored(code byte) bool { return code != game.FogCode && !glimpsed(code) }
func glimpsed(code byte) bool {
	return code == game.GlimpsedUnpaintedCode || code >= 'A' && code <= 'Z'
}
func levelOfCode(c byte) uint8 {
	switch {
	case c == game.FogCode:
		return game.LevelUnknown
	case glimpsed(c):
		return game.LevelGlimpsed
	}
	return game.LevelExplored
}

// check is the fog between requests: labels, markers and other parties' tokens only on hexes
// the player explored; at most one party of their own, with them in it.
func (r *replay) check() error {
	if r.grid == nil {
		return nil
	}
	for k := range r.labels {
		i, err := r.index(k)
		if err != nil {
			return err
		}
		if !explored(r.grid[i]) {
			return fmt.Errorf("a label on %s, which the player has not explored (%q)", k, r.grid[i])
		}
	}
	for k := range r.roads {
		i, err := r.index(k)
		if err != nil {
			return err
		}
		if !explored(r.grid[i]) {
			return fmt.Errorf("a road on %s, which the player has not explored (%q)", k, r.grid[i])
		}
	}
	for _, m := range r.markers {
		i, err := r.index(m.Key)
		if err != nil {
			return err
		}
		if !explored(r.grid[i]) {
			return fmt.Errorf("marker %s on %s, which the player has not explored", m.ID, m.Key)
		}
	}
	for _, n := range r.notes {
		i, err := r.index(n.Key)
		if err != nil {
			return err
		}
		if r.grid[i] == game.FogCode {
			return fmt.Errorf("note %s on %s, a hex the player does not know", n.ID, n.Key)
		}
		if n.AuthorID != r.me && !n.Shared {
			return fmt.Errorf("%s's private note %s", n.AuthorName, n.ID)
		}
	}
	own := 0
	for _, p := range r.parties {
		if p.MemberIDs != nil {
			own++
			if r.display != nil {
				// The screen's party is the one listed with members (a merge moves it); its
				// session:state names it, checked there.
				continue
			}
			if !slices.Contains(p.MemberIDs, r.me) {
				return fmt.Errorf("the members of party %s, which the player is not in", p.ID)
			}
			continue
		}
		if p.Key == nil {
			return fmt.Errorf("another party (%s) off the map", p.ID)
		}
		i, err := r.index(*p.Key)
		if err != nil {
			return err
		}
		if !explored(r.grid[i]) {
			return fmt.Errorf("party %s on %s, which the player has not explored", p.ID, *p.Key)
		}
	}
	if own > 1 {
		return fmt.Errorf("%d parties of their own", own)
	}
	return nil
}

// replayPlayer replays a player's frames, failing on the first that breaks the fog.
func replayPlayer(frames [][]byte) (projection, error) {
	var r replay
	lastSeq := int64(-1)
	for _, raw := range frames {
		for _, banned := range bannedForPlayers {
			if bytes.Contains(raw, []byte(banned)) {
				return projection{}, fmt.Errorf("a player received %s: %s", banned, raw)
			}
		}
		if r.display != nil && bytes.Contains(raw, []byte(`"playerNotes"`)) {
			return projection{}, fmt.Errorf("a table screen received notes: %s", raw)
		}
		var m struct {
			Type    string
			Seq     *int64
			Grid    string
			Map     *mapView
			You     *youView
			Labels  map[string]string
			Roads   []string
			Keys    []string
			Hexes   []playerHexView
			Parties []playerPartyView
			Markers []playerMarkerView
			Status  string
			Session *sessionView
			Travel  *playerTravelView
			Display *displayView
			Notes   []noteView `json:"playerNotes"`
			Key     string
			From    *pingFrom
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			return projection{}, fmt.Errorf("a player frame is not JSON: %s", raw)
		}
		if !playerMessages[m.Type] {
			return projection{}, fmt.Errorf("a player received %s, a DM-only message: %s", m.Type, raw)
		}
		// The frames of one request share a seq and come together: check the fog between them.
		if m.Seq == nil || *m.Seq != lastSeq {
			if err := r.check(); err != nil {
				return projection{}, fmt.Errorf("before %s: %w", raw, err)
			}
		}
		if m.Seq != nil {
			lastSeq = *m.Seq
		}
		fail := func(format string, args ...any) (projection, error) {
			return projection{}, fmt.Errorf(format+": %s", append(args, raw)...)
		}
		switch m.Type {
		case msgSessionState:
			r = replay{grid: []byte(m.Grid), labels: m.Labels, roads: map[string]bool{}, parties: m.Parties, markers: m.Markers, travel: m.Travel,
				notes: m.Notes, display: m.Display, pings: r.pings}
			if m.Display != nil && bytes.Contains(raw, []byte(`"playerNotes"`)) {
				return fail("a table screen's state has notes")
			}
			if m.Display != nil {
				for _, p := range m.Parties {
					if p.MemberIDs != nil && (m.Display.PartyID == nil || *m.Display.PartyID != p.ID) {
						return fail("the members of party %s, which the screen does not watch", p.ID)
					}
				}
			}
			for _, k := range m.Roads {
				r.roads[k] = true
			}
			if m.You != nil {
				r.me = m.You.ID
				var own *string
				for _, p := range m.Parties {
					if p.MemberIDs != nil {
						own = &p.ID
					}
				}
				if (own == nil) != (m.You.PartyID == nil) || own != nil && *own != *m.You.PartyID {
					return fail("you.partyId does not name the party listed as theirs")
				}
			}
			if m.Map != nil {
				r.width = m.Map.Width
			}
			if m.Session != nil {
				r.status = string(m.Session.Status)
			}
			if err := r.check(); err != nil {
				return fail("%v", err)
			}
		case msgHexRevealed, msgHexUpdated:
			for _, h := range m.Hexes {
				i, err := r.index(h.Key)
				if err != nil {
					return fail("%v", err)
				}
				if !h.State.Valid() {
					return fail("hex %s without a state", h.Key)
				}
				if h.State == game.Glimpsed && h.Label != "" {
					return fail("a label on glimpsed hex %s", h.Key)
				}
				if m.Type == msgHexUpdated {
					if r.grid[i] == game.FogCode {
						return fail("hex:updated for %s, which this player does not know", h.Key)
					}
					if game.StateOfLevel(levelOfCode(r.grid[i])) != h.State {
						return fail("hex:updated changed the state of %s", h.Key)
					}
				}
				r.grid[i] = game.GridCode(h.Terrain.Code(), h.State.Level())
				if h.State == game.Explored && h.Label != "" {
					r.labels[h.Key] = h.Label
				} else {
					delete(r.labels, h.Key)
				}
				if h.Road && h.State != game.Explored {
					return fail("a road on glimpsed hex %s", h.Key)
				}
				if h.Road {
					r.roads[h.Key] = true
				} else {
					delete(r.roads, h.Key)
				}
			}
		case msgHexHidden:
			for _, k := range m.Keys {
				i, err := r.index(k)
				if err != nil {
					return fail("%v", err)
				}
				r.grid[i] = game.FogCode
				delete(r.labels, k)
				delete(r.roads, k)
			}
		case msgPartiesChanged:
			r.parties = m.Parties
		case msgMarkersChanged:
			r.markers = m.Markers
		case msgNotesChanged:
			if r.display != nil {
				return fail("a table screen received notes")
			}
			r.notes = m.Notes
		case msgHexPinged:
			if err := r.checkPing(m.Key, m.From); err != nil {
				return fail("%v", err)
			}
			r.pings++
		case msgTravelChanged:
			r.travel = m.Travel
		case msgStatusChanged:
			r.status = m.Status
		}
	}
	if err := r.check(); err != nil {
		return projection{}, err
	}
	return r.projection(), nil
}

// checkPing: a ping on a hex the receiver knows, from the DM, the receiver, or a member of the
// party the receiver (or the screen) belongs to.
func (r *replay) checkPing(key string, from *pingFrom) error {
	i, err := r.index(key)
	if err != nil {
		return err
	}
	if r.grid[i] == game.FogCode {
		return fmt.Errorf("a ping on %s, a hex the receiver does not know", key)
	}
	if from == nil || from.ID == r.me && r.me != "" {
		return nil
	}
	for _, p := range r.parties {
		if p.MemberIDs != nil && slices.Contains(p.MemberIDs, from.ID) {
			return nil
		}
	}
	return fmt.Errorf("a ping from %s, who is not in the receiver's party", from.Name)
}

func (r *replay) projection() projection {
	p := projection{grid: string(r.grid), status: r.status, parties: string(mustJSON(r.parties)), markers: string(mustJSON(r.markers)),
		travel: string(mustJSON(r.travel)), notes: string(mustJSON(r.notes))}
	for _, k := range slices.Sorted(maps.Keys(r.labels)) {
		p.labels += k + "=" + r.labels[k] + ";"
	}
	for _, k := range slices.Sorted(maps.Keys(r.roads)) {
		p.roads += k + ";"
	}
	return p
}

// dmStateFull is the DM's session:state as a test reads it.
type dmStateFull struct {
	Grid        string
	Map         *mapView
	Session     *sessionView
	Labels      map[string]string
	Roads       []string
	RevealedAll string
	RevealedTo  map[string]map[string]uint8
	PartyKnown  map[string]string
	Parties     []dmPartyView
	Markers     []markerView
	Travel      []travelView
	PlayerNotes []dmNoteView
}

// expectedFor derives from the DM's state what the player must know: their level on each hex
// is the highest of what all, their party and they alone know; labels, markers and other
// parties only where they explored; their own notes and their party's shared ones on hexes
// they know.
func expectedFor(t testing.TB, dmRaw []byte, playerID string) projection {
	t.Helper()
	var dm dmStateFull
	if err := json.Unmarshal(dmRaw, &dm); err != nil {
		t.Fatal(err)
	}
	own := ""
	for _, pv := range dm.Parties {
		if slices.Contains(pv.MemberIDs, playerID) {
			own = pv.ID
		}
	}
	return expectedView(dm, own, playerID)
}

// expectedForDisplay derives what a table screen watching partyID ("" everyone) must show: a
// member of that party with no private knowledge and no notes.
func expectedForDisplay(t testing.TB, dmRaw []byte, partyID string) projection {
	t.Helper()
	var dm dmStateFull
	if err := json.Unmarshal(dmRaw, &dm); err != nil {
		t.Fatal(err)
	}
	return expectedView(dm, partyID, "")
}

// expectedView is the projection of someone in party own ("" none) who is playerID ("": a
// table screen: no private knowledge, no notes).
func expectedView(dm dmStateFull, own, playerID string) projection {
	p := projection{}
	if dm.Session != nil {
		p.status = string(dm.Session.Status)
	}
	// Their party's clock, once it has travelled; the weather by name, while it is shared.
	var travel *playerTravelView
	lost := map[string]bool{}
	for _, tv := range dm.Travel {
		lost[tv.PartyID] = tv.Lost != nil
		if tv.PartyID == own && tv.Travelled {
			travel = &playerTravelView{Clock: playerClock{Day: tv.Clock.Day, Watch: tv.Clock.Watch, WatchName: tv.Clock.WatchName}, Pace: tv.Pace}
			if tv.Weather != nil && tv.Weather.Shared {
				travel.Weather = &playerWeather{Name: tv.Weather.Name}
			}
		}
	}
	p.travel = string(mustJSON(travel))
	p.notes = "[]"
	if playerID == "" {
		p.notes = "null"
	}
	if dm.Map == nil {
		p.parties, p.markers = "[]", "[]"
		return p
	}
	w := dm.Map.Width
	level := func(key string) uint8 {
		k, _ := game.ParseKey(key)
		i := k.Row*w + k.Col
		l := dm.RevealedAll[i] - '0'
		if known := dm.PartyKnown[own]; own != "" {
			l = max(l, known[i]-'0')
		}
		return max(l, dm.RevealedTo[playerID][key])
	}
	grid := make([]byte, len(dm.Grid))
	for i := range grid {
		grid[i] = game.GridCode(dm.Grid[i], level(keyAt(i, w)))
	}
	p.grid = string(grid)
	for _, k := range slices.Sorted(maps.Keys(dm.Labels)) {
		if level(k) == game.LevelExplored {
			p.labels += k + "=" + dm.Labels[k] + ";"
		}
	}
	for _, k := range slices.Sorted(slices.Values(dm.Roads)) {
		if level(k) == game.LevelExplored {
			p.roads += k + ";"
		}
	}
	parties := []playerPartyView{}
	for _, pv := range dm.Parties {
		switch {
		case pv.ID == own:
			parties = append(parties, playerPartyView{ID: pv.ID, Name: pv.Name, Color: pv.Color, Key: pv.Key, MemberIDs: pv.MemberIDs})
		case pv.Key != nil && level(*pv.Key) == game.LevelExplored && !lost[pv.ID]:
			parties = append(parties, playerPartyView{ID: pv.ID, Name: pv.Name, Color: pv.Color, Key: pv.Key})
		}
	}
	markers := []playerMarkerView{}
	for _, mk := range dm.Markers {
		if mk.Visibility == game.VisiblePlayers && level(mk.Key) == game.LevelExplored {
			markers = append(markers, playerMarkerView{ID: mk.ID, Key: mk.Key, Kind: mk.Kind, Label: mk.Label})
		}
	}
	p.parties, p.markers = string(mustJSON(parties)), string(mustJSON(markers))
	if playerID != "" {
		notes := []noteView{}
		for _, n := range dm.PlayerNotes {
			if (n.AuthorID == playerID || n.PartyID != nil && *n.PartyID == own && own != "") && level(n.Key) > game.LevelUnknown {
				notes = append(notes, n.noteView)
			}
		}
		p.notes = string(mustJSON(notes))
	}
	return p
}

// The checker catches what it is there to catch: each of these sequences breaks the fog once.
func TestFogCheckerCatchesLeaks(t *testing.T) {
	state := func(grid, labels, parties, markers string) string {
		return `{"type":"session:state","seq":1,"role":"player","you":{"id":"ana","name":"Ana","partyId":"p1"},"campaign":{"id":"c","name":"C"},` +
			`"session":null,"broadcastMode":"immediate","preparing":false,"map":{"id":"m","name":"M","width":2,"height":1,"orientation":"flat"},` +
			`"grid":"` + grid + `","labels":` + labels + `,"parties":` + parties + `,"markers":` + markers + `,"players":[]}`
	}
	own := `[{"id":"p1","name":"Us","color":"#000000","key":"1,0","memberIds":["ana"]}]`
	ok := state("pF", `{}`, own, `[]`)
	// A table screen watching party p2 (members listed), or, with partyId null, everyone.
	screenOf := func(partyID, parties string) string {
		return strings.Replace(strings.Replace(state("pF", `{}`, parties, `[]`),
			`"you":{"id":"ana","name":"Ana","partyId":"p1"}`, `"you":null,"display":{"id":"d","name":"TV","partyId":`+partyID+`}`, 1), `"role":"player"`, `"role":"display"`, 1)
	}
	them := `[{"id":"p2","name":"Them","color":"#000000","key":"0,0","memberIds":["bo"]}]`
	screen, everyone := screenOf(`"p2"`, them), screenOf("null", `[]`)
	if _, err := replayPlayer([][]byte{[]byte(screen), []byte(`{"type":"hex:pinged","id":"x","key":"0,0","from":{"id":"bo","name":"Bo"}}`)}); err != nil {
		t.Fatalf("a sound screen refused: %v", err)
	}
	if _, err := replayPlayer([][]byte{[]byte(ok)}); err != nil {
		t.Fatalf("a sound state refused: %v", err)
	}
	for _, tc := range []struct {
		name, want string
		frames     []string
	}{
		{"label in a state on a glimpsed hex", "label on 1,0", []string{state("pF", `{"1,0":"Secret"}`, own, `[]`)}},
		{"label in a delta on a glimpsed hex", "a label on glimpsed", []string{ok,
			`{"type":"hex:revealed","seq":2,"hexes":[{"key":"1,0","terrain":"forest","label":"Secret","state":"glimpsed"}]}`}},
		{"marker on a glimpsed hex", "marker m1 on 1,0", []string{ok,
			`{"type":"markers:changed","seq":2,"markers":[{"id":"m1","key":"1,0","kind":"camp","label":""}]}`}},
		{"marker left on a hex gone glimpsed", "marker m1 on 0,0", []string{state("pF", `{}`, own, `[{"id":"m1","key":"0,0","kind":"camp","label":""}]`),
			`{"type":"hex:revealed","seq":2,"hexes":[{"key":"0,0","terrain":"plains","state":"glimpsed"}]}`,
			`{"type":"session:statusChanged","seq":3,"sessionId":"s","status":"active"}`}},
		{"another party on a glimpsed hex", "party p2 on 1,0", []string{ok,
			`{"type":"parties:changed","seq":2,"parties":[{"id":"p2","name":"Them","color":"#000000","key":"1,0"}]}`}},
		{"another party's members", "not in", []string{ok,
			`{"type":"parties:changed","seq":2,"parties":[{"id":"p2","name":"Them","color":"#000000","key":"0,0","memberIds":["bo"]}]}`}},
		{"an update of a fogged hex", "does not know", []string{state("p?", `{}`, own, `[]`),
			`{"type":"hex:updated","seq":2,"hexes":[{"key":"1,0","terrain":"forest","state":"explored"}]}`}},
		{"a hex without a state", "without a state", []string{ok, `{"type":"hex:revealed","seq":2,"hexes":[{"key":"1,0","terrain":"forest"}]}`}},
		{"notes", "notes", []string{ok, `{"type":"hex:updated","seq":2,"hexes":[{"key":"0,0","terrain":"plains","notes":"x","state":"explored"}]}`}},
		{"party knowledge", "partyKnown", []string{strings.Replace(ok, `"players":[]`, `"partyKnown":{},"players":[]`, 1)}},
		{"a lost party's true position", `"lost":`, []string{ok, `{"type":"travel:changed","seq":2,"travel":{"clock":{"day":1,"watch":0,"watchName":"Morning","hour":6,"minute":0},"pace":"normal","weather":null,"lost":{"at":"1,0","since":0}}}`}},
		{"the weather's roll", `"roll":`, []string{ok, `{"type":"travel:changed","seq":2,"travel":{"clock":{"day":1,"watch":0,"watchName":"Morning","hour":6,"minute":0},"pace":"normal","weather":{"name":"Fog","roll":{"dice":"1d18","faces":[16],"total":16}}}}`}},
		{"an encounter", `"encounters":`, []string{ok, `{"type":"encounters:changed","seq":2,"encounters":[]}`}},
		{"the travel rules", `"travelRules":`, []string{strings.Replace(ok, `"players":[]`, `"travelRules":{},"players":[]`, 1)}},
		// DM-only messages whose fields the banned list does not name.
		{"a player's private knowledge", "DM-only", []string{ok, `{"type":"player:known","seq":2,"playerId":"bo","known":{"0,0":2}}`}},
		{"the broadcast mode", "DM-only", []string{ok, `{"type":"broadcast:modeChanged","seq":2,"mode":"staged"}`}},
		{"the storage status", "DM-only", []string{ok, `{"type":"storage:status","saving":true}`}},
		// At the table.
		{"a ping on a fogged hex", "does not know", []string{state("p?", `{}`, own, `[]`),
			`{"type":"hex:pinged","id":"x","key":"1,0","from":null}`}},
		{"a ping from another party", "not in the receiver's party", []string{ok,
			`{"type":"hex:pinged","id":"x","key":"0,0","from":{"id":"bo","name":"Bo"}}`}},
		{"someone else's private note", "private note", []string{ok,
			`{"type":"playerNotes:changed","seq":2,"playerNotes":[{"id":"n","key":"0,0","text":"x","shared":false,"authorId":"bo","authorName":"Bo","updatedAt":"2026-12-03T20:00:00Z"}]}`}},
		{"a note on a fogged hex", "does not know", []string{state("p?", `{}`, own, `[]`),
			`{"type":"playerNotes:changed","seq":2,"playerNotes":[{"id":"n","key":"1,0","text":"x","shared":true,"authorId":"bo","authorName":"Bo","updatedAt":"2026-12-03T20:00:00Z"}]}`}},
		{"notes to a table screen", "screen received notes", []string{screen,
			`{"type":"playerNotes:changed","seq":2,"playerNotes":[]}`}},
		{"a table screen's state with notes", "state has notes", []string{strings.Replace(screen, `"players":[]`, `"playerNotes":[],"players":[]`, 1)}},
		{"another party's members on a screen", "does not watch", []string{screenOf("null", them)}},
		{"a player's ping on the everyone screen", "not in the receiver's party", []string{everyone,
			`{"type":"hex:pinged","id":"x","key":"0,0","from":{"id":"ana","name":"Ana"}}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var frames [][]byte
			for _, f := range tc.frames {
				frames = append(frames, []byte(f))
			}
			_, err := replayPlayer(frames)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}
