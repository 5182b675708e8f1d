package hub

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/hexcrawl/hexcrawl/game"
)

// sharedConstants is testdata/protocol/constants.json: the rules the hub and the front end must
// agree on. Vitest checks the TypeScript side against the same file
// (frontend/src/protocol/constants.test.ts).
type sharedConstants struct {
	ProtocolVersion          int    `json:"protocolVersion"`
	Subprotocol              string `json:"subprotocol"`
	DMTokenSubprotocolPrefix string `json:"dmTokenSubprotocolPrefix"`
	DisplayProtocolPrefix    string `json:"displayTokenSubprotocolPrefix"`
	SessionStatuses          struct {
		All  []game.SessionStatus `json:"all"`
		Live []game.SessionStatus `json:"live"`
	} `json:"sessionStatuses"`
	Terrains struct {
		Palette               []game.Terrain          `json:"palette"`
		Codes                 map[game.Terrain]string `json:"codes"`
		FogCode               string                  `json:"fogCode"`
		GlimpsedUnpaintedCode string                  `json:"glimpsedUnpaintedCode"`
	} `json:"terrains"`
	HexStates []game.HexState `json:"hexStates"`
	Parties   struct {
		Reveals      []game.PartyReveal `json:"reveals"`
		DefaultName  string             `json:"defaultName"`
		DefaultColor string             `json:"defaultColor"`
		ColorPattern string             `json:"colorPattern"`
	} `json:"parties"`
	Markers struct {
		Kinds        []game.MarkerKind       `json:"kinds"`
		Visibilities []game.MarkerVisibility `json:"visibilities"`
	} `json:"markers"`
	CloseCodes []struct {
		Code      int    `json:"code"`
		Name      string `json:"name"`
		SentBy    string `json:"sentBy"`
		Reconnect bool   `json:"reconnect"`
		Meaning   string `json:"meaning"`
	} `json:"closeCodes"`
	ErrorCodes []struct {
		Code       game.ErrorCode `json:"code"`
		HTTPStatus int            `json:"httpStatus"`
		Meaning    string         `json:"meaning"`
	} `json:"errorCodes"`
	Limits  map[string]int `json:"limits"`
	Invites struct {
		DefaultExpiryHours float64 `json:"defaultExpiryHours"`
		MaxExpiryHours     float64 `json:"maxExpiryHours"`
		RenewWithinHours   float64 `json:"renewWithinHours"`
		CodeLength         int     `json:"codeLength"`
		CodeAlphabet       string  `json:"codeAlphabet"`
	} `json:"invites"`
	JoinURL struct {
		Rule    string `json:"rule"`
		Vectors []struct {
			URLs []string `json:"urls"`
			Want string   `json:"want"`
		} `json:"vectors"`
	} `json:"joinUrl"`
}

func readSharedConstants(t *testing.T) sharedConstants {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "protocol", "constants.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c sharedConstants
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// Each rule the front end shares lives once in Go; this checks that once against the file.
func TestSharedConstants(t *testing.T) {
	c := readSharedConstants(t)
	if c.ProtocolVersion != ProtocolVersion || c.Subprotocol != subprotocol || c.DMTokenSubprotocolPrefix != dmTokenProtocol {
		t.Errorf("protocol %d %q %q; Go has %d %q %q", c.ProtocolVersion, c.Subprotocol, c.DMTokenSubprotocolPrefix,
			ProtocolVersion, subprotocol, dmTokenProtocol)
	}

	if c.DisplayProtocolPrefix != displayProtocol {
		t.Errorf("table screen subprotocol prefix %q in the file, %q in Go", c.DisplayProtocolPrefix, displayProtocol)
	}

	if want := []game.SessionStatus{game.Waiting, game.Active, game.Paused, game.Ended}; !slices.Equal(c.SessionStatuses.All, want) {
		t.Errorf("session statuses %v in the file, %v in Go", c.SessionStatuses.All, want)
	}
	for _, s := range c.SessionStatuses.All {
		if s.Live() != slices.Contains(c.SessionStatuses.Live, s) {
			t.Errorf("%s: Live() is %v in Go; the file lists live statuses %v", s, s.Live(), c.SessionStatuses.Live)
		}
	}

	if !slices.Equal(c.Terrains.Palette, game.Terrains) {
		t.Errorf("terrain palette %v in the file, %v in Go", c.Terrains.Palette, game.Terrains)
	}
	if len(c.Terrains.Codes) != len(game.Terrains)+1 {
		t.Errorf("the file has %d terrain codes, Go %d", len(c.Terrains.Codes), len(game.Terrains)+1)
	}
	for tr, code := range c.Terrains.Codes {
		if !tr.Valid() || string(tr.Code()) != code {
			t.Errorf("terrain %q has code %q in the file; valid in Go %v, code %q", tr, code, tr.Valid(), tr.Code())
		}
	}
	if c.Terrains.FogCode != string(game.FogCode) {
		t.Errorf("fog code %q in the file, %q in Go", c.Terrains.FogCode, game.FogCode)
	}
	if c.Terrains.GlimpsedUnpaintedCode != string(game.GlimpsedUnpaintedCode) {
		t.Errorf("glimpsed unpainted code %q in the file, %q in Go", c.Terrains.GlimpsedUnpaintedCode, game.GlimpsedUnpaintedCode)
	}
	for tr, code := range c.Terrains.Codes {
		want := strings.ToUpper(code)
		if tr == game.Unpainted {
			want = c.Terrains.GlimpsedUnpaintedCode
		}
		if got := string(game.GridCode(tr.Code(), game.LevelGlimpsed)); got != want {
			t.Errorf("glimpsed %q is %q in Go, %q by the file's rule", tr, got, want)
		}
	}
	if !slices.Equal(c.HexStates, []game.HexState{game.Glimpsed, game.Explored}) {
		t.Errorf("hex states %v in the file", c.HexStates)
	}
	if !slices.Equal(c.Parties.Reveals, game.PartyReveals) || c.Parties.DefaultName != game.DefaultPartyName ||
		c.Parties.DefaultColor != game.DefaultPartyColor {
		t.Errorf("parties in the file %+v; Go has %v %q %q", c.Parties, game.PartyReveals, game.DefaultPartyName, game.DefaultPartyColor)
	}
	for _, color := range []string{"#e0a030", "#000000", "#E0A030", "e0a030", "#e0a03", "#e0a0300", "#g0a030"} {
		ok, _ := regexp.MatchString(c.Parties.ColorPattern, color)
		if (game.ValidColor(color) == nil) != ok {
			t.Errorf("colour %q: the file's pattern says %v, Go's check the opposite", color, ok)
		}
	}
	if !slices.Equal(c.Markers.Kinds, game.MarkerKinds) || !slices.Equal(c.Markers.Visibilities, []game.MarkerVisibility{game.VisibleDM, game.VisiblePlayers}) {
		t.Errorf("markers in the file %+v; Go has %v", c.Markers, game.MarkerKinds)
	}

	// Every close code the hub sends, by the name the file gives it.
	hubCloses := map[string]int{
		"normal":          websocket.CloseNormalClosure,
		"goingAway":       websocket.CloseGoingAway,
		"tooBig":          websocket.CloseMessageTooBig,
		"unauthorized":    CloseUnauthorized,
		"missingCampaign": CloseMissingCampaign,
		"forbidden":       CloseForbidden,
		"revoked":         CloseRevoked,
		"slowConsumer":    CloseSlowConsumer,
		"flooding":        CloseFlooding,
	}
	listed := map[string]bool{}
	for _, cc := range c.CloseCodes {
		listed[cc.Name] = true
		goCode, ok := hubCloses[cc.Name]
		switch {
		case cc.SentBy == "client":
			if ok {
				t.Errorf("close code %s is the client's, but the hub has it", cc.Name)
			}
		case !ok:
			t.Errorf("close code %s (%d) is in the file but the hub does not send it", cc.Name, cc.Code)
		case goCode != cc.Code:
			t.Errorf("close code %s is %d in Go, %d in the file", cc.Name, goCode, cc.Code)
		}
		if cc.Meaning == "" {
			t.Errorf("close code %s has no meaning", cc.Name)
		}
	}
	for name := range hubCloses {
		if !listed[name] {
			t.Errorf("the hub sends close code %s, which the file lacks", name)
		}
	}

	var codes []game.ErrorCode
	for _, e := range c.ErrorCodes {
		codes = append(codes, e.Code)
		if got := statusOf(game.Errorf(e.Code, "x")); got != e.HTTPStatus {
			t.Errorf("error %s is HTTP %d, the file says %d", e.Code, got, e.HTTPStatus)
		}
	}
	if !slices.Equal(codes, game.ErrorCodes) {
		t.Errorf("error codes %v in the file, %v in Go", codes, game.ErrorCodes)
	}

	limits := map[string]int{
		"maxFrameBytes":      maxFrameBytes,
		"maxRefLength":       maxRefLen,
		"maxKeysPerMessage":  maxKeys,
		"maxMapSide":         game.MaxMapSide,
		"maxLabelChars":      game.MaxLabelChars,
		"maxNotesChars":      game.MaxNotesChars,
		"maxNameChars":       game.MaxNameChars,
		"maxPlayerNameChars": game.MaxPlayerNameChars,
		"minDMTokenLength":   game.MinDMTokenLength,
		"maxPartyNameChars":  game.MaxPartyNameChars,
		"maxPathLength":      game.MaxPathLength,
		"maxMarkersPerMap":   game.MaxMarkersPerMap,
		"maxUndoMoves":       game.MaxUndoMoves,
		"maxSight":           game.MaxSight,
		"maxHeight":          game.MaxHeight,
		// At the table (docs/table.md).
		"maxPlayerNoteChars":     game.MaxPlayerNoteChars,
		"maxPlayerNotesPerMap":   game.MaxPlayerNotesPerMap,
		"pingBurst":              game.PingBurst,
		"pingsPerSecond":         game.PingsPerSecond,
		"dmPingBurst":            game.DMPingBurst,
		"dmPingsPerSecond":       game.DMPingsPerSecond,
		"maxDisplayNameChars":    game.MaxDisplayNameChars,
		"maxDisplaysPerCampaign": game.MaxDisplaysPerCampaign,
	}
	for name, v := range c.Limits {
		if goV, ok := limits[name]; !ok || goV != v {
			t.Errorf("limit %s is %d in the file, %d in Go (known: %v)", name, v, goV, ok)
		}
	}
	for name := range limits {
		if _, ok := c.Limits[name]; !ok {
			t.Errorf("limit %s is in Go but not in the file", name)
		}
	}

	inv := c.Invites
	if inv.DefaultExpiryHours != game.InviteDefaultExpiry.Hours() || inv.MaxExpiryHours != game.InviteMaxExpiry.Hours() ||
		inv.RenewWithinHours != game.InviteRenewBefore.Hours() || inv.CodeLength != game.InviteCodeLength ||
		inv.CodeAlphabet != game.InviteCodeAlphabet {
		t.Errorf("invites in the file %+v; Go has %v, %v, %v, %d, %q", inv, game.InviteDefaultExpiry, game.InviteMaxExpiry,
			game.InviteRenewBefore, game.InviteCodeLength, game.InviteCodeAlphabet)
	}

	if len(c.JoinURL.Vectors) < 5 {
		t.Fatalf("only %d join URL vectors", len(c.JoinURL.Vectors))
	}
	for _, v := range c.JoinURL.Vectors {
		if got := PreferredJoinURL(v.URLs); got != v.Want {
			t.Errorf("PreferredJoinURL(%q) = %q, want %q", v.URLs, got, v.Want)
		}
	}
}

// The numbers above are the ones the hub enforces: an invite made without an expiry lives
// InviteDefaultExpiry, and one made with more than InviteMaxExpiry is refused.
func TestInviteExpiryFollowsTheRule(t *testing.T) {
	th := newTestHub(t)
	var inv inviteView
	th.api("POST", "/api/campaigns/"+th.campaignID+"/invites", "", 201, &inv)
	if life := inv.ExpiresAt.Sub(inv.CreatedAt); life < game.InviteDefaultExpiry-time.Second || life > game.InviteDefaultExpiry+time.Second {
		t.Fatalf("an invite without expiresInHours lives %v, want %v", life, game.InviteDefaultExpiry)
	}
	over := game.InviteMaxExpiry.Hours() + 1
	th.api("POST", "/api/campaigns/"+th.campaignID+"/invites", `{"expiresInHours":`+strconv.FormatFloat(over, 'f', -1, 64)+`}`, 400, nil)
	th.api("POST", "/api/campaigns/"+th.campaignID+"/invites", `{"expiresInHours":`+strconv.FormatFloat(game.InviteMaxExpiry.Hours(), 'f', -1, 64)+`}`, 201, nil)
}
