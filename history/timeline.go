package history

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// Kind sorts events for the timeline's filters.
type Kind string

const (
	KindReveal  Kind = "reveal"
	KindHide    Kind = "hide"
	KindMove    Kind = "move"
	KindEdit    Kind = "edit"
	KindMarker  Kind = "marker"
	KindParty   Kind = "party"
	KindJoin    Kind = "join"
	KindSession Kind = "session"
	KindTravel  Kind = "travel"
)

// Kinds lists every kind, in the order the timeline's filters show them.
var Kinds = []Kind{KindReveal, KindHide, KindMove, KindEdit, KindMarker, KindParty, KindJoin, KindSession, KindTravel}

// KindOf is an event type's kind.
func KindOf(t game.EventType) Kind {
	switch t {
	case game.EventHexReveal:
		return KindReveal
	case game.EventHexHide:
		return KindHide
	case game.EventPartyMove, game.EventPartyPlace, game.EventPartyUndo, game.EventTravelMove, game.EventTravelFound, game.EventTokenMove:
		return KindMove
	case game.EventMarkerPlace, game.EventMarkerUpdate, game.EventMarkerRemove:
		return KindMarker
	case game.EventPartyCreate, game.EventPartyUpdate, game.EventPartyAssign, game.EventPartyMerge:
		return KindParty
	case game.EventMemberJoin, game.EventMemberRevoke:
		return KindJoin
	case game.EventSessionStart, game.EventSessionPause, game.EventSessionResume, game.EventSessionEnd,
		game.EventBroadcastMode, game.EventPublish, game.EventStagedAdd, game.EventStagedUndo:
		return KindSession
	}
	if strings.HasPrefix(string(t), game.TravelEventPrefix) && t != game.EventTravelRules {
		return KindTravel
	}
	return KindEdit
}

// SessionSpan is a run of the log: one session, or the events between two (ID ""), with its
// events grouped by the travel turn's day and watch.
type SessionSpan struct {
	ID        string      `json:"id"`     // "": between sessions
	Number    int         `json:"number"` // 1 for the campaign's first session; 0 between sessions
	First     int64       `json:"first"`
	Last      int64       `json:"last"`
	StartedAt time.Time   `json:"startedAt"` // of its first event
	EndedAt   time.Time   `json:"endedAt"`   // of its last
	Events    int         `json:"events"`
	Watches   []WatchSpan `json:"watches"`
}

// WatchSpan is a run of events within one day and watch of the table's clock (the clock of the
// party that acted last; nil before any party travelled).
type WatchSpan struct {
	Clock  *Clock       `json:"clock"`
	First  int64        `json:"first"`
	Last   int64        `json:"last"`
	Events int          `json:"events"`
	Kinds  map[Kind]int `json:"kinds"`
}

type timeline struct {
	spans   []SessionSpan
	number  int
	minutes *int // the table's clock
}

func (t *timeline) add(s *State, e Event) {
	if party := partyOfTravel(e); party != "" {
		if st, ok := s.Travel[party]; ok {
			m := st.Minutes
			t.minutes = &m
		}
	}
	var clock *Clock
	if t.minutes != nil {
		c := clockAt(s, *t.minutes)
		clock = &c
	}
	n := len(t.spans)
	if n == 0 || t.spans[n-1].ID != e.SessionID {
		span := SessionSpan{ID: e.SessionID, First: e.Seq, StartedAt: e.At}
		if e.SessionID != "" {
			t.number++
			span.Number = t.number
		}
		t.spans = append(t.spans, span)
		n++
	}
	span := &t.spans[n-1]
	span.Last, span.EndedAt = e.Seq, e.At
	span.Events++
	w := len(span.Watches)
	if w == 0 || !sameClock(span.Watches[w-1].Clock, clock) {
		span.Watches = append(span.Watches, WatchSpan{Clock: clock, First: e.Seq, Kinds: map[Kind]int{}})
		w++
	}
	ws := &span.Watches[w-1]
	ws.Last = e.Seq
	ws.Events++
	ws.Kinds[KindOf(e.Type)]++
}

func sameClock(a, b *Clock) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Day == b.Day && a.Watch == b.Watch
}

// Timeline is the campaign's history at a glance: its sessions, each with its watches, the
// count of events of each kind in them; and who is who, for the names.
type Timeline struct {
	Seq      int64         `json:"seq"`
	Sessions []SessionSpan `json:"sessions"`
	Members  []NameRef     `json:"members"`
	Parties  []NameRef     `json:"parties"`
	Maps     []NameRef     `json:"maps"`
}

// NameRef names a member, party or map (one that is gone too).
type NameRef struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Color string `json:"color,omitempty"`
	Gone  bool   `json:"gone,omitempty"` // a revoked member, a merged party
}

// Timeline is the book's summary, up to the log's end.
func (b *Book) Timeline() Timeline {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := Timeline{Seq: b.head.Seq, Sessions: make([]SessionSpan, len(b.timeline.spans))}
	for n, sp := range b.timeline.spans {
		sp.Watches = append([]WatchSpan(nil), sp.Watches...)
		out.Sessions[n] = sp
	}
	out.Members, out.Parties, out.Maps = names(b.head)
	return out
}

func names(s *State) (members, parties, maps []NameRef) {
	members, parties, maps = []NameRef{}, []NameRef{}, []NameRef{}
	for _, id := range s.MemberOrder {
		m := s.Members[id]
		members = append(members, NameRef{ID: id, Name: m.Name, Gone: m.Revoked})
	}
	seen := map[string]bool{}
	for _, id := range s.PartyOrder {
		p := s.Parties[id]
		parties = append(parties, NameRef{ID: id, Name: p.Name, Color: p.Color})
		seen[id] = true
	}
	for id, p := range s.PartyNames {
		if !seen[id] {
			parties = append(parties, NameRef{ID: id, Name: p.Name, Color: p.Color, Gone: true})
		}
	}
	for _, id := range s.MapOrder {
		maps = append(maps, NameRef{ID: id, Name: s.Maps[id].Info.Name})
	}
	return members, parties, maps
}

// Entry is one event of the timeline, told: what happened, to whom, and which players' view of
// the map it changed.
type Entry struct {
	Seq       int64     `json:"seq"`
	At        time.Time `json:"at"`
	SessionID string    `json:"sessionId"`
	Type      string    `json:"type"`
	Kind      Kind      `json:"kind"`
	Text      string    `json:"text"`
	MapID     string    `json:"mapId,omitempty"`
	PartyID   string    `json:"partyId,omitempty"`
	Keys      []string  `json:"keys,omitempty"` // the hexes it names (at most MaxEntryKeys)
	KeyCount  int       `json:"keyCount"`
	// Seen lists the players whose view of the map this event changed (what it revealed, hid,
	// moved or edited on hexes they know); the DM sees everything.
	Seen  []string `json:"seen"`
	Clock *Clock   `json:"clock"`
}

// MaxEntryKeys bounds the keys an entry lists; KeyCount says how many there were.
const MaxEntryKeys = 60

// MaxEntries bounds one page of entries.
const MaxEntries = 1000

// Entries tells the events after `after` up to upTo (at most MaxEntries, and only those of the
// kinds listed, all when none), replaying from the nearest copy.
func (b *Book) Entries(ctx context.Context, q storage.Queries, after, upTo int64, kinds map[Kind]bool) ([]Entry, error) {
	st, err := b.StateAt(ctx, q, after)
	if err != nil {
		return nil, err
	}
	out := []Entry{}
	if upTo <= after {
		return out, nil
	}
	full := fmt.Errorf("page full")
	err = q.EachEvent(ctx, b.campaignID, st.Seq, upTo, func(raw storage.Event) error {
		e, err := Decode(raw)
		if err != nil {
			return err
		}
		var t touch
		t.add(st, e)
		before := views(st, &t)
		entry := describe(st, e)
		st.Apply(e)
		entry.Clock = b.clockOf(e.Seq)
		if len(kinds) > 0 && !kinds[entry.Kind] {
			return nil
		}
		after := views(st, &t)
		entry.Seen = []string{}
		for _, id := range st.MemberOrder {
			if before[id] != after[id] {
				entry.Seen = append(entry.Seen, id)
			}
		}
		out = append(out, entry)
		if len(out) >= MaxEntries {
			return full
		}
		return nil
	})
	if err != nil && err != full {
		return nil, err
	}
	return out, nil
}

// clockOf is the table's clock at event seq, as the timeline grouped it.
func (b *Book) clockOf(seq int64) *Clock {
	b.mu.Lock()
	defer b.mu.Unlock()
	spans := b.timeline.spans
	n := sort.Search(len(spans), func(i int) bool { return spans[i].Last >= seq })
	if n == len(spans) {
		return nil
	}
	ws := spans[n].Watches
	w := sort.Search(len(ws), func(i int) bool { return ws[i].Last >= seq })
	if w == len(ws) {
		return nil
	}
	return ws[w].Clock
}

// views sums, per active member, a hash of what they see of each touched hex: its level and
// what that level shows (terrain; label and road when explored). A sum, so the order the hexes
// are visited in does not matter.
func views(s *State, t *touch) map[string]uint64 {
	m := s.ActiveMap()
	out := map[string]uint64{}
	if m == nil || (!t.all && len(t.cells) == 0) {
		return out
	}
	for _, mem := range s.ActiveMembers() {
		sum := hashString(m.Info.ID + "/" + mem.PartyID)
		if !t.all {
			sum = 0
		}
		v := s.Viewer(m, mem.ID)
		see := func(i int) {
			if l := v.Level(i); l != game.LevelUnknown {
				sum += cellHash(m, i, l)
			}
		}
		if t.all {
			for i := range m.Terrain {
				see(i)
			}
		} else {
			for i := range t.cells {
				see(i)
			}
		}
		out[mem.ID] = sum
	}
	return out
}

func cellHash(m *Map, i int, l uint8) uint64 {
	h := uint64(i)<<16 | uint64(l)<<8 | uint64(m.Terrain[i])
	if l == game.LevelExplored {
		h ^= hashString(m.Labels[i])
		if m.Road(i) {
			h ^= 1 << 62
		}
	}
	return mix(h)
}

// hashString is FNV-1a.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// mix is splitmix64's finaliser: neighbouring inputs give unrelated outputs.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}
