package history

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// CheckpointEvery is how many events apart the book keeps a copy of the state, so that a seek
// replays at most this many events from the database (docs/benchmarks.md, "History").
const CheckpointEvery = 2000

// Book is one campaign's history, kept up to date with its log as it grows: the state at the
// log's end, a copy every CheckpointEvery events, the timeline's sessions and watches, and each
// player's journal. The log is append-only, so nothing in a book ever goes stale; Sync reads
// only what was added since. Its methods are safe for concurrent use.
type Book struct {
	campaignID string
	base       Base

	mu          sync.Mutex
	head        *State
	last        storage.Event // the newest event read: a log that no longer holds it was replaced
	checkpoints []*State      // ascending seq
	pending     []Event       // changes a publish may yet group (see feed)
	groups      []Span        // publishes: events players heard of as one change
	timeline    timeline
	journals    journals
}

// Span is a run of events, First to Last inclusive.
type Span struct {
	First int64 `json:"first"`
	Last  int64 `json:"last"`
}

// NewBook starts an empty book of a campaign; Sync fills it.
func NewBook(campaignID string, base Base) *Book {
	b := &Book{campaignID: campaignID, base: base}
	b.reset()
	return b
}

func (b *Book) reset() {
	b.head = New(b.base)
	b.last = storage.Event{}
	b.checkpoints, b.pending, b.groups = nil, nil, nil
	b.timeline = timeline{}
	b.journals = journals{byMember: map[string]*journal{}}
}

// Seq is the newest event the book has read.
func (b *Book) Seq() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.head.Seq
}

// Sync reads the events logged since the book's end through q (a read connection). A log that
// no longer holds the book's newest event as it was (the campaign deleted and imported again)
// is read again from the start.
func (b *Book) Sync(ctx context.Context, q storage.Queries) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last.Seq > 0 {
		e, ok, err := q.EventAt(ctx, b.campaignID, b.last.Seq)
		if err != nil {
			return err
		}
		if !ok || e.Type != b.last.Type || !e.At.Equal(b.last.At) {
			b.reset()
		}
	}
	err := q.EachEvent(ctx, b.campaignID, b.last.Seq, 0, func(raw storage.Event) error {
		e, err := Decode(raw)
		if err != nil {
			return err
		}
		b.feed(e)
		b.last = raw
		b.last.Payload = nil
		return nil
	})
	// What a publish could group arrives in the same commit as the publish: whatever is still
	// waiting when the read ends is a change of its own.
	b.flush()
	return err
}

// publishable are the events a publish applies from the staged list.
func publishable(t game.EventType) bool {
	switch t {
	case game.EventHexReveal, game.EventHexHide, game.EventHexUpdate, game.EventPartyMove, game.EventPartyPlace:
		return true
	}
	return false
}

// feed takes events in order. Players hear of a publish's changes together, after the last of
// them: so changes wait in pending until the next other event says whether a publish grouped
// them, and each step (one change, or a publish's group) is then applied as one.
func (b *Book) feed(e Event) {
	if publishable(e.Type) {
		b.pending = append(b.pending, e)
		return
	}
	group := 0
	if p, ok := e.P.(*publishPayload); ok {
		if p.First > 0 {
			for _, pe := range b.pending {
				if pe.Seq >= p.First {
					group++
				}
			}
		} else {
			// Logged before publishes said where they began: the changes just before it, one
			// per staged change at most.
			group = min(p.Changes, len(b.pending))
		}
	}
	alone := b.pending[:len(b.pending)-group]
	for _, pe := range alone {
		b.step([]Event{pe})
	}
	b.step(append(slices.Clone(b.pending[len(alone):]), e))
	b.pending = b.pending[:0]
}

func (b *Book) flush() {
	for _, pe := range b.pending {
		b.step([]Event{pe})
	}
	b.pending = b.pending[:0]
}

// step applies one change players heard of at once.
func (b *Book) step(evs []Event) {
	var t touch
	for _, e := range evs {
		t.add(b.head, e)
		b.head.Apply(e)
		b.timeline.add(b.head, e)
		if e.Seq%CheckpointEvery == 0 {
			b.checkpoints = append(b.checkpoints, b.head.Clone())
		}
	}
	last := evs[len(evs)-1]
	if len(evs) > 1 {
		b.groups = append(b.groups, Span{First: evs[0].Seq, Last: last.Seq})
	}
	b.journals.step(b.head, &t, last)
}

// VisibleSeq is the newest seq at or before seq whose state players saw: inside a publish, the
// state before it (players never saw its changes one by one).
func (b *Book) VisibleSeq(seq int64) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := sort.Search(len(b.groups), func(i int) bool { return b.groups[i].Last >= seq })
	if n < len(b.groups) && b.groups[n].First <= seq && seq < b.groups[n].Last {
		return b.groups[n].First - 1
	}
	return seq
}

// StateAt is the campaign as it was after event seq (clamped to the log the book has read):
// the nearest copy at or before it, and the events after that read again through q. The result
// is the caller's.
func (b *Book) StateAt(ctx context.Context, q storage.Queries, seq int64) (*State, error) {
	b.mu.Lock()
	seq = max(0, min(seq, b.head.Seq))
	if seq == b.head.Seq {
		st := b.head.Clone()
		b.mu.Unlock()
		return st, nil
	}
	n := sort.Search(len(b.checkpoints), func(i int) bool { return b.checkpoints[i].Seq > seq })
	var st *State
	if n > 0 {
		st = b.checkpoints[n-1].Clone()
	} else {
		st = New(b.base)
	}
	b.mu.Unlock()
	if st.Seq == seq {
		return st, nil // EachEvent would read "up to 0" as "to the end"
	}
	err := q.EachEvent(ctx, b.campaignID, st.Seq, seq, func(raw storage.Event) error {
		e, err := Decode(raw)
		if err != nil {
			return err
		}
		st.Apply(e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("replay to %d: %w", seq, err)
	}
	return st, nil
}

// touch is the hexes of the active map a step may have changed for some player, or all of them
// when who sees what changed wholesale (a player changing parties, another map).
type touch struct {
	all   bool
	cells map[int]bool
}

func (t *touch) add(s *State, e Event) {
	m := s.ActiveMap()
	keys := func(mapID string, ks ...[]game.Key) {
		if m == nil || (mapID != "" && mapID != m.Info.ID) {
			return
		}
		if t.cells == nil {
			t.cells = map[int]bool{}
		}
		for _, list := range ks {
			for _, i := range m.cells(list) {
				t.cells[i] = true
			}
		}
	}
	switch p := e.P.(type) {
	case *revealPayload:
		keys(p.MapID, p.keys)
	case *updatePayload:
		keys(p.MapID, p.keys)
	case *stepPayload:
		keys(p.MapID, p.explored, p.glimpsed)
	case *undoPayload:
		keys(p.MapID, p.forgotten, p.glimpsed)
	case *mapPayload, *joinPayload, *revokePayload, *partyCreatePayload, *partyAssignPayload, *partyMergePayload:
		t.all = true
	}
}

// Clock is a moment of the travel turn: a day and a watch.
type Clock struct {
	Day       int    `json:"day"`
	Watch     int    `json:"watch"`
	WatchName string `json:"watchName"`
}

func clockAt(s *State, minutes int) Clock {
	cal := s.calendar
	if cal == nil {
		cal = defaultCalendar()
	}
	c := cal.At(minutes)
	return Clock{Day: c.Day, Watch: c.Watch, WatchName: c.WatchName}
}

// defaultCalendar is the calendar of a campaign that never saved travel rules: made once, not
// per event the timeline reads a clock for.
var defaultCalendar = sync.OnceValue(func() *game.Calendar {
	c := game.DefaultCalendar()
	return &c
})

// partyOfTravel is the party whose travel state an event changed, if any.
func partyOfTravel(e Event) string {
	switch p := e.P.(type) {
	case *stepPayload:
		if e.Type == game.EventTravelMove || e.Type == game.EventTravelFound {
			return p.PartyID
		}
	case *travelActionPayload:
		return p.PartyID
	case *undoPayload:
		return p.PartyID
	case *partyMergePayload:
		return p.IntoID
	case *partyCreatePayload:
		return p.PartyID
	}
	return ""
}

// names is a state holding only who is who (members, parties ever), for telling events.
func (b *Book) names() *State {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := New(b.base)
	for id, m := range b.head.Members {
		mm := *m
		s.Members[id] = &mm
	}
	s.MemberOrder = slices.Clone(b.head.MemberOrder)
	s.PartyNames = maps.Clone(b.head.PartyNames)
	return s
}
