package hub

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
)

// A campaign file written by an earlier Hexcrawl plays: its staged list (stored as the JSON the
// hub wrote then) reaches the DM as it was, and publishes.
func TestOldCampaignFilePlays(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "export", "campaign-v1.hexcrawl.json"))
	if err != nil {
		t.Fatal(err)
	}
	th := newTestHub(t)
	var c game.Campaign
	th.api("POST", "/api/import", string(raw), 201, &c)
	th.campaignID = c.ID
	dm := th.dm("dm")
	st := decode[stateMsg](t, frame{raw: dm.received()[0]})
	var kinds []game.StagedKind
	for _, sc := range st.Staged {
		kinds = append(kinds, sc.Kind)
	}
	// Version 1's staged token move is a placement of the default party now.
	if want := []game.StagedKind{game.StageReveal, game.StageUpdate, game.StagePlace, game.StageHide}; !slices.Equal(kinds, want) {
		t.Fatalf("staged kinds %v, want %v", kinds, want)
	}
	if len(st.Parties) != 1 || st.Parties[0].Key == nil || *st.Parties[0].Key != "1,1" || !st.Parties[0].Default ||
		len(st.Parties[0].MemberIDs) != 1 || st.Staged[2].PartyID != st.Parties[0].ID {
		t.Fatalf("imported parties: %+v, staged %+v", st.Parties, st.Staged)
	}
	if st.Session == nil || st.Session.Status != game.Paused {
		t.Fatalf("imported state: %+v", st)
	}
	dm.send(`{"type":"session:resume"}`)
	dm.expectNonPresence(msgStatusChanged)
	dm.send(`{"type":"broadcast:publish"}`)
	// The placement took the party off the map.
	if moved := decode[partyMovedMsg](t, dm.skipUntil(msgPartyMoved)); moved.Key != nil || moved.PartyID != st.Parties[0].ID {
		t.Fatalf("published placement: %+v", moved)
	}
	got := decode[stateMsg](t, dm.skipUntil(msgStagedChanged))
	if len(got.Staged) != 0 {
		t.Fatalf("staged after publishing: %+v", got.Staged)
	}
}

// changeLog records what OnChange hears.
type changeLog struct {
	mu  sync.Mutex
	got []Change
}

func (l *changeLog) add(c Change) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, c)
}

// wait returns what was heard once there are n changes (or fails after a while).
func (l *changeLog) wait(t *testing.T, n int) []Change {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		l.mu.Lock()
		got := slices.Clone(l.got)
		l.mu.Unlock()
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// OnChange hears, after the fact, of every change that can rename the hub on the LAN: campaigns
// created, imported, renamed and deleted, sessions started, paused, resumed and ended — and of
// nothing that failed.
func TestOnChangeHearsCampaignsAndSessions(t *testing.T) {
	var log changeLog
	th := newTestHub(t, withConfig(func(c *Config) { c.OnChange = log.add }))
	fen := th.campaignID
	dm := th.dm("dm")
	var other game.Campaign
	th.api("POST", "/api/campaigns", `{"name":"Sunken Vale"}`, 201, &other)
	th.api("PATCH", "/api/campaigns/"+fen, `{"name":"Fenmarch"}`, 200, nil)
	th.api("PATCH", "/api/campaigns/"+fen, `{"name":"  "}`, 400, nil) // refused: nothing to hear
	for _, typ := range []string{"session:start", "session:pause", "session:resume", "session:end"} {
		dm.send(`{"type":"` + typ + `"}`)
		dm.skipUntil(msgStatusChanged)
	}
	dm.send(`{"type":"session:pause"}`) // refused: nothing to hear
	dm.skipUntil(msgError)
	var file []byte
	_, file = th.request("GET", "/api/campaigns/"+other.ID+"/export", "", map[string]string{"Authorization": "Bearer " + testToken})
	th.api("DELETE", "/api/campaigns/"+other.ID, "", 204, nil)
	th.api("POST", "/api/import", string(file), 201, nil)
	want := []Change{
		{CampaignCreated, other.ID},
		{CampaignRenamed, fen},
		{SessionChanged, fen}, {SessionChanged, fen}, {SessionChanged, fen}, {SessionChanged, fen},
		{CampaignDeleted, other.ID},
		{CampaignCreated, other.ID},
	}
	// The campaign newTestHub made came before the log was read from: skip it.
	got := log.wait(t, len(want)+1)
	if len(got) > 0 && got[0] == (Change{CampaignCreated, fen}) {
		got = got[1:]
	}
	if !slices.Equal(got, want) {
		t.Fatalf("OnChange heard\n%v\nwant\n%v", got, want)
	}
}
