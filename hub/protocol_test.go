package hub

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hexcrawl/hexcrawl/game"
)

// serverMessage is any message type of messages.go.
type serverMessage interface{ frame() []byte }

// serverExamples says which type sends each example in testdata/protocol/server.
var serverExamples = map[string]serverMessage{
	"broadcast-modeChanged.json":          modeChangedMsg{},
	"dm-preparing.json":                   dmPreparingMsg{},
	"error.json":                          errorMsg{},
	"hex-hidden-dm.json":                  hexHiddenDMMsg{},
	"hex-hidden-dm-parties.json":          hexHiddenDMMsg{},
	"hex-revealed-dm-parties.json":        hexRevealedDMMsg{},
	"hex-hidden-player.json":              hexHiddenMsg{},
	"hex-revealed-dm.json":                hexRevealedDMMsg{},
	"hex-revealed-player.json":            hexRevealedMsg{},
	"hex-updated-dm.json":                 hexUpdatedDMMsg{},
	"hex-updated-player.json":             hexUpdatedMsg{},
	"map-changed.json":                    mapChangedMsg{},
	"markers-changed-dm.json":             markersChangedDMMsg{},
	"markers-changed-player.json":         markersChangedMsg{},
	"parties-changed-dm.json":             partiesChangedDMMsg{},
	"parties-changed-player.json":         partiesChangedMsg{},
	"parties-changed-player-off-map.json": partiesChangedMsg{},
	"party-known.json":                    partyKnownMsg{},
	"party-moved.json":                    partyMovedMsg{},
	"party-moved-off-map.json":            partyMovedMsg{},
	"player-known.json":                   playerKnownMsg{},
	"member-added.json":                   memberAddedMsg{},
	"player-joined.json":                  playerJoinedMsg{},
	"player-left.json":                    playerLeftMsg{},
	"pong.json":                           pongMsg{},
	"session-state-dm.json":               dmStateMsg{},
	"session-state-player.json":           playerStateMsg{},
	"session-state-waiting.json":          playerStateMsg{},
	"session-statusChanged.json":          statusChangedMsg{},
	"sight-rulesChanged.json":             rulesChangedMsg{},
	"staged-changed.json":                 stagedChangedMsg{},
	"staged-changed-every-kind.json":      stagedChangedMsg{},
	// The travel turn (messages_travel.go).
	"encounters-changed-empty.json":       encountersChangedMsg{},
	"encounters-changed.json":             encountersChangedMsg{},
	"travel-changed-dm-chosen.json":       travelChangedDMMsg{},
	"travel-changed-dm.json":              travelChangedDMMsg{},
	"travel-changed-player-unshared.json": travelChangedMsg{},
	"travel-changed-player-none.json":     travelChangedMsg{},
	"travel-changed-player.json":          travelChangedMsg{},
	"travel-happened-camp.json":           travelHappenedMsg{},
	"travel-happened-found.json":          travelHappenedMsg{},
	"travel-happened-lost.json":           travelHappenedMsg{},
	"travel-happened-move.json":           travelHappenedMsg{},
	"travel-rulesChanged.json":            travelRulesChangedMsg{},
	"storage-status.json":                 storageStatusMsg{},
	"storage-status-saving.json":          storageStatusMsg{},
	// At the table (messages_table.go).
	"hex-pinged-player.json":              hexPingedMsg{},
	"hex-pinged-dm.json":                  hexPingedMsg{},
	"playerNotes-changed-player.json":     notesChangedMsg{},
	"playerNotes-changed-dm.json":         notesChangedDMMsg{},
	"session-state-display.json":          displayStateMsg{},
	"session-state-display-everyone.json": displayStateMsg{},
}

// neverSent lists fields a type has but the hub never fills, so no example can show them.
var neverSent = map[string]string{
	"dmStateMsg .you.id":                                            "the DM is not a member: its you is null",
	"dmStateMsg .you.name":                                          "the DM is not a member: its you is null",
	"dmStateMsg .you.partyId":                                       "the DM is not a member: its you is null",
	"displayStateMsg .you.id":                                       "a table screen is not a member: its you is null",
	"displayStateMsg .you.name":                                     "a table screen is not a member: its you is null",
	"displayStateMsg .you.partyId":                                  "a table screen is not a member: its you is null",
	"dmStateMsg .staged[].changes[].notes":                          "notes apply at once; only terrain and label are staged",
	"stagedChangedMsg .staged[].changes[].notes":                    "notes apply at once; only terrain and label are staged",
	"encountersChangedMsg .encounters[].check.result.pick.modifier": "a check, a pick, a veer or the weather rolls one plain die: no modifier",
	"encountersChangedMsg .encounters[].check.roll.modifier":        "a check, a pick, a veer or the weather rolls one plain die: no modifier",
	"dmStateMsg .encounters[].check.result.pick.modifier":           "a check, a pick, a veer or the weather rolls one plain die: no modifier",
	"dmStateMsg .encounters[].check.roll.modifier":                  "a check, a pick, a veer or the weather rolls one plain die: no modifier",
	"dmStateMsg .travel[].weather.roll.modifier":                    "a check, a pick, a veer or the weather rolls one plain die: no modifier",
	"travelHappenedMsg .travel.weather.roll.modifier":               "a check, a pick, a veer or the weather rolls one plain die: no modifier",
	"travelChangedDMMsg .travel.weather.roll.modifier":              "a check, a pick, a veer or the weather rolls one plain die: no modifier",
	"travelHappenedMsg .events[].encounter.result.pick.modifier":    "a check, a pick, a veer or the weather rolls one plain die: no modifier",
	"travelHappenedMsg .events[].encounter.roll.modifier":           "a check, a pick, a veer or the weather rolls one plain die: no modifier",
	"travelHappenedMsg .events[].step.navigation.roll.modifier":     "a check, a pick, a veer or the weather rolls one plain die: no modifier",
	"travelHappenedMsg .events[].step.navigation.veer.modifier":     "a check, a pick, a veer or the weather rolls one plain die: no modifier",
	"travelHappenedMsg .events[].weather.roll.modifier":             "a check, a pick, a veer or the weather rolls one plain die: no modifier",
}

// TestProtocolExamples is the Go half of the wire contract (Vitest checks the same files with
// the zod schemas). Every server example decodes strictly into the type that sends it (no field
// it lacks), and that type writes it back field for field (no field the example lacks, nor a
// different type name). Every field of every type is shown by some example, and every message
// has one. Every client example is a command the hub accepts, and the command type keeps all of
// it.
func TestProtocolExamples(t *testing.T) {
	dir := filepath.Join("..", "testdata", "protocol")
	files, err := filepath.Glob(filepath.Join(dir, "server", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	if want := slices.Sorted(maps.Keys(serverExamples)); !slices.Equal(names, want) {
		t.Fatalf("testdata/protocol/server holds %v; serverExamples maps %v", names, want)
	}
	covered := map[string]map[string]bool{} // type → JSON paths some example shows
	seenTypes := map[string]bool{}
	for _, name := range names {
		proto := serverExamples[name]
		typ := reflect.TypeOf(proto)
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, "server", name))
			if err != nil {
				t.Fatal(err)
			}
			ptr := reflect.New(typ)
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(ptr.Interface()); err != nil {
				t.Fatalf("decode into %s: %v", typ.Name(), err)
			}
			if _, err := dec.Token(); !errors.Is(err, io.EOF) {
				t.Fatalf("trailing data after the message")
			}
			var doc map[string]any
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			seenTypes[doc["type"].(string)] = true
			if covered[typ.Name()] == nil {
				covered[typ.Name()] = map[string]bool{}
			}
			examplePaths(typ, doc, "", covered[typ.Name()])
			got := ptr.Elem().Interface().(serverMessage).frame()
			if !sameJSON(t, got, raw) {
				t.Fatalf("%s writes the example back differently:\nexample %s\nwritten %s", typ.Name(), bytes.TrimSpace(raw), got)
			}
		})
	}
	for _, proto := range serverExamples {
		typ := reflect.TypeOf(proto)
		all := map[string]bool{}
		typePaths(typ, "", all)
		for _, p := range slices.Sorted(maps.Keys(all)) {
			if !covered[typ.Name()][p] && neverSent[typ.Name()+" "+p] == "" {
				t.Errorf("%s has field %s, which no example in testdata/protocol/server shows", typ.Name(), p)
			}
		}
	}
	for _, typ := range []string{msgSessionState, msgStatusChanged, msgModeChanged, msgHexRevealed, msgHexHidden,
		msgHexUpdated, msgMapChanged, msgStagedChanged, msgPlayerJoined, msgPlayerLeft,
		msgMemberAdded, msgDMPreparing, msgPong, msgError, msgPartiesChanged, msgPartyMoved, msgPartyKnown,
		msgPlayerKnown, msgMarkersChanged, msgRulesChanged,
		msgTravelChanged, msgTravelHappened, msgEncountersChanged, msgTravelRulesChanged, msgStorageStatus,
		msgHexPinged, msgNotesChanged} {
		if !seenTypes[typ] {
			t.Errorf("no example of server message %s in testdata/protocol/server", typ)
		}
	}

	clientFiles, err := filepath.Glob(filepath.Join(dir, "client", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	seenCommands := map[string]bool{}
	for _, f := range clientFiles {
		t.Run("client/"+filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			c, err := decodeCommand(raw)
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			seenCommands[c.Type] = true
			if back := mustJSON(c); !sameJSON(t, back, raw) {
				t.Fatalf("the command type loses part of the example:\nexample %s\nkept    %s", bytes.TrimSpace(raw), back)
			}
		})
	}
	for typ := range commands {
		if !seenCommands[typ] {
			t.Errorf("no example of client message %s in testdata/protocol/client", typ)
		}
	}
}

// sameJSON compares two JSON documents as values: key order and spacing do not matter.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("not JSON: %s", a)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	return reflect.DeepEqual(va, vb)
}

var marshalerType = reflect.TypeFor[json.Marshaler]()

// jsonFields lists a struct's fields as JSON sees them: embedded structs flattened.
func jsonFields(t reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous && f.Tag.Get("json") == "" {
			continue
		}
		if f.Tag.Get("json") == "-" {
			continue
		}
		out = append(out, f)
	}
	return out
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

// typePaths collects the JSON paths of every struct field reachable from t: ".hexes[].key".
// A type with its own MarshalJSON is one value.
func typePaths(t reflect.Type, prefix string, out map[string]bool) {
	if t.Implements(marshalerType) {
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		typePaths(t.Elem(), prefix, out)
	case reflect.Slice:
		typePaths(t.Elem(), prefix+"[]", out)
	case reflect.Map:
		typePaths(t.Elem(), prefix+"{}", out)
	case reflect.Struct:
		for _, f := range jsonFields(t) {
			p := prefix + "." + jsonName(f)
			out[p] = true
			typePaths(f.Type, p, out)
		}
	}
}

// examplePaths collects the paths of typePaths that the decoded example v shows.
func examplePaths(t reflect.Type, v any, prefix string, out map[string]bool) {
	if t.Implements(marshalerType) || v == nil {
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		examplePaths(t.Elem(), v, prefix, out)
	case reflect.Slice:
		list, _ := v.([]any)
		for _, e := range list {
			examplePaths(t.Elem(), e, prefix+"[]", out)
		}
	case reflect.Map:
		obj, _ := v.(map[string]any)
		for _, e := range obj {
			examplePaths(t.Elem(), e, prefix+"{}", out)
		}
	case reflect.Struct:
		obj, _ := v.(map[string]any)
		for _, f := range jsonFields(t) {
			if e, ok := obj[jsonName(f)]; ok {
				p := prefix + "." + jsonName(f)
				out[p] = true
				examplePaths(f.Type, e, p, out)
			}
		}
	}
}

// The room's cached player list is what encoding/json would write for the same players.
func TestPlayersJSONMatchesEncoding(t *testing.T) {
	st := &roomState{members: map[string]*member{}}
	var want []playerView
	for i, name := range []string{"Ana", `Bo "the Bold"`, "Cy <3", "Dé"} {
		m := newMember(game.Member{ID: string(rune('a' + i)), Name: name})
		if i%2 == 0 {
			m.clients[&client{}] = struct{}{}
		}
		st.members[m.ID] = m
		st.order = append(st.order, m.ID)
		want = append(want, playerView{ID: m.ID, Name: name, Online: i%2 == 0})
	}
	if got := st.playersJSON(); !bytes.Equal(got, mustJSON(want)) {
		t.Fatalf("playersJSON %s\nencoding/json %s", got, mustJSON(want))
	}
	if got := (&roomState{}).playersJSON(); string(got) != "[]" {
		t.Fatalf("no players: %s", got)
	}
}
