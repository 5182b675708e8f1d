package history

import (
	"slices"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
)

// A player's journal: the hexes they discovered and the labels they learned, as they were shown
// them at the time. It is built from the player's own projection (State.Viewer, the labels of the
// hexes they explored) after each change they heard of, so it holds nothing they were not shown
// and keeps what they were shown even after the DM edits, hides or relabels the hex.

// JournalEntry is one thing a player learned.
type JournalEntry struct {
	Seq       int64     `json:"seq"`
	At        time.Time `json:"at"`
	SessionID string    `json:"sessionId"`
	MapID     string    `json:"mapId"`
	Key       string    `json:"key"`
	// What: "discovered" (the hex came into view, or a glimpsed hex was explored: State says
	// which) or "label" (a label shown on a hex they had already explored).
	What    string        `json:"what"`
	State   game.HexState `json:"state,omitempty"`
	Terrain game.Terrain  `json:"terrain"`
	Label   string        `json:"label,omitempty"`
}

const (
	Discovered = "discovered"
	Learned    = "label"
)

type journals struct {
	byMember map[string]*journal
}

type journal struct {
	maps    map[string]*shown
	entries []JournalEntry
}

// shown is what a player has been shown of one map: the highest level ever, per hex, and the
// label last shown on each hex they explored. Both are per cell slices, not maps: a journal
// step looks at every touched cell for every player, and replaying 100,000 events spent half
// its time in map lookups (docs/benchmarks.md, "History").
type shown struct {
	size   game.Size
	level  []uint8
	labels []string
}

func (j *journal) mapShown(m *Map) *shown {
	sh := j.maps[m.Info.ID]
	if sh == nil {
		sh = &shown{size: m.Size, level: make([]uint8, m.Size.Cells()), labels: make([]string, m.Size.Cells())}
		j.maps[m.Info.ID] = sh
	}
	if sh.size != m.Size { // resized: keep what still lies on the map
		level, labels := make([]uint8, m.Size.Cells()), make([]string, m.Size.Cells())
		for i, l := range sh.level {
			if k := sh.size.KeyAt(i); m.Size.Contains(k) {
				level[m.Size.Index(k)] = l
				labels[m.Size.Index(k)] = sh.labels[i]
			}
		}
		sh.size, sh.level, sh.labels = m.Size, level, labels
	}
	return sh
}

// step records, for every active member, what the change that ended with event last showed them
// of the touched hexes of the active map.
func (js *journals) step(s *State, t *touch, last Event) {
	m := s.ActiveMap()
	if m == nil || (!t.all && len(t.cells) == 0) {
		return
	}
	var cells []int
	if !t.all {
		cells = make([]int, 0, len(t.cells))
		for i := range t.cells {
			cells = append(cells, i)
		}
		slices.Sort(cells)
	}
	for _, mem := range s.ActiveMembers() {
		j := js.byMember[mem.ID]
		if j == nil {
			j = &journal{maps: map[string]*shown{}}
			js.byMember[mem.ID] = j
		}
		sh := j.mapShown(m)
		v := s.Viewer(m, mem.ID)
		see := func(i int) {
			l := v.Level(i)
			if l == game.LevelUnknown {
				return
			}
			what, state, label := "", game.HexState(""), ""
			if l > sh.level[i] {
				sh.level[i] = l
				what, state = Discovered, game.StateOfLevel(l)
			}
			if l == game.LevelExplored {
				label = m.Labels[i]
				if label != "" && sh.labels[i] != label && what == "" {
					what = Learned
				}
				sh.labels[i] = label
			}
			if what != "" {
				j.entries = append(j.entries, JournalEntry{Seq: last.Seq, At: last.At, SessionID: last.SessionID, MapID: m.Info.ID,
					Key: m.Size.KeyAt(i).String(), What: what, State: state, Terrain: m.TerrainAt(i), Label: label})
			}
		}
		if t.all {
			for i := range m.Terrain {
				see(i)
			}
		} else {
			for _, i := range cells {
				see(i)
			}
		}
	}
}

// JournalSession is what a player learned during one session, or between two (ID "").
type JournalSession struct {
	ID        string         `json:"id"`
	Number    int            `json:"number"`
	StartedAt time.Time      `json:"startedAt"`
	EndedAt   time.Time      `json:"endedAt"`
	Entries   []JournalEntry `json:"entries"`
}

// Journal is a player's journal, session by session; maps names the maps its entries are on.
type Journal struct {
	Seq      int64            `json:"seq"`
	Sessions []JournalSession `json:"sessions"`
	Maps     []NameRef        `json:"maps"`
}

// Journal is member id's journal up to the book's end (empty for someone the log does not know).
func (b *Book) Journal(memberID string) Journal {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := Journal{Seq: b.head.Seq, Sessions: []JournalSession{}, Maps: []NameRef{}}
	j := b.journals.byMember[memberID]
	if j == nil {
		return out
	}
	used := map[string]bool{}
	n := 0
	for _, sp := range b.timeline.spans {
		var entries []JournalEntry
		for n < len(j.entries) && j.entries[n].Seq <= sp.Last {
			entries = append(entries, j.entries[n])
			used[j.entries[n].MapID] = true
			n++
		}
		if len(entries) > 0 {
			out.Sessions = append(out.Sessions, JournalSession{ID: sp.ID, Number: sp.Number, StartedAt: sp.StartedAt, EndedAt: sp.EndedAt, Entries: entries})
		}
	}
	for _, id := range b.head.MapOrder {
		if used[id] {
			out.Maps = append(out.Maps, NameRef{ID: id, Name: b.head.Maps[id].Info.Name})
		}
	}
	return out
}
