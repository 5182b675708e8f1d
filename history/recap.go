package history

import (
	"context"
	"slices"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// Recap is what a session came to, as the players saw it: the hexes they discovered and who
// did, the labels they learned on hexes they knew, where each party went and how long it took.
// Nothing in it is the DM's alone (no notes, no hidden markers, no true positions of a lost
// party), so it can be handed to the table.
type Recap struct {
	Campaign  string       `json:"campaign"`
	SessionID string       `json:"sessionId"`
	Number    int          `json:"number"`
	First     int64        `json:"first"`
	Last      int64        `json:"last"`
	StartedAt time.Time    `json:"startedAt"`
	EndedAt   time.Time    `json:"endedAt"`
	Ended     bool         `json:"ended"` // false: the session is still going, the recap is so far
	MapID     string       `json:"mapId"` // the map played on at its end
	Hexes     []RecapHex   `json:"hexes"`
	Labels    []RecapHex   `json:"labels"`
	Parties   []RecapParty `json:"parties"`
	Players   []NameRef    `json:"players"`
	Maps      []NameRef    `json:"maps"`
}

// RecapHex is a hex players discovered (or whose label they learned) during the session.
type RecapHex struct {
	MapID   string        `json:"mapId"`
	Key     string        `json:"key"`
	Terrain game.Terrain  `json:"terrain"`
	State   game.HexState `json:"state"`
	Label   string        `json:"label,omitempty"`
	Players []string      `json:"players"` // who, in joining order
}

// RecapParty is where one party went: the hexes its token stood on in order, from where it
// started the session (players saw the token there; a lost party's true way is not told).
type RecapParty struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Color   string   `json:"color"`
	Members []string `json:"members"`
	Path    []string `json:"path"`
	Steps   int      `json:"steps"`
	Start   *Clock   `json:"start"` // the party's clock when the session began (nil: it had not travelled)
	End     *Clock   `json:"end"`
}

// Recap tells session id ("": the latest) as it stands in the book.
func (b *Book) Recap(ctx context.Context, q storage.Queries, sessionID string) (Recap, error) {
	b.mu.Lock()
	var span *SessionSpan
	for n := len(b.timeline.spans) - 1; n >= 0; n-- {
		sp := b.timeline.spans[n]
		if sp.ID != "" && (sessionID == "" || sp.ID == sessionID) {
			span = &sp
			break
		}
	}
	b.mu.Unlock()
	if span == nil {
		return Recap{}, game.Errorf(game.ENotFound, "no session %q in this campaign's log", game.Truncate(sessionID, 40))
	}
	start, err := b.StateAt(ctx, q, span.First-1)
	if err != nil {
		return Recap{}, err
	}
	end, err := b.StateAt(ctx, q, span.Last)
	if err != nil {
		return Recap{}, err
	}
	out := Recap{Campaign: end.Name, SessionID: span.ID, Number: span.Number, First: span.First, Last: span.Last,
		StartedAt: span.StartedAt, EndedAt: span.EndedAt, Ended: end.Session != nil && end.Session.Status == game.Ended,
		MapID: end.ActiveMapID, Hexes: []RecapHex{}, Labels: []RecapHex{}, Parties: []RecapParty{}}
	out.Players, _, out.Maps = names(end)

	// Who discovered what: every member's journal entries of the session, hex by hex.
	order := map[string]int{}
	for n, id := range end.MemberOrder {
		order[id] = n
	}
	type hexKey struct{ mapID, key, label string }
	found, learned := map[hexKey]*RecapHex{}, map[hexKey]*RecapHex{}
	var foundOrder, learnedOrder []hexKey
	for memberID, j := range b.journalEntriesBySession(span) {
		for _, e := range j {
			set, list := found, &foundOrder
			k := hexKey{e.MapID, e.Key, ""}
			if e.What == Learned {
				set, list, k = learned, &learnedOrder, hexKey{e.MapID, e.Key, e.Label}
			}
			h := set[k]
			if h == nil {
				h = &RecapHex{MapID: e.MapID, Key: e.Key}
				set[k] = h
				*list = append(*list, k)
			}
			if e.What == Discovered && e.State.Level() >= h.State.Level() || h.State == "" {
				h.State, h.Terrain, h.Label = e.State, e.Terrain, e.Label
			}
			if e.What == Learned {
				h.State, h.Terrain, h.Label = game.Explored, e.Terrain, e.Label
			}
			if !slices.Contains(h.Players, memberID) {
				h.Players = append(h.Players, memberID)
			}
		}
	}
	byJoin := func(ids []string) {
		slices.SortFunc(ids, func(a, b string) int { return order[a] - order[b] })
	}
	sortHexes := func(keys []hexKey) {
		slices.SortFunc(keys, func(a, b hexKey) int {
			ka, _ := game.ParseKey(a.key)
			kb, _ := game.ParseKey(b.key)
			if ka.Row != kb.Row {
				return ka.Row - kb.Row
			}
			return ka.Col - kb.Col
		})
	}
	sortHexes(foundOrder)
	sortHexes(learnedOrder)
	for _, k := range foundOrder {
		h := found[k]
		byJoin(h.Players)
		out.Hexes = append(out.Hexes, *h)
	}
	for _, k := range learnedOrder {
		h := learned[k]
		byJoin(h.Players)
		out.Labels = append(out.Labels, *h)
	}

	// Where the parties went, as their tokens showed it.
	paths := map[string]*RecapParty{}
	var partyOrder []string
	party := func(id string) *RecapParty {
		if p := paths[id]; p != nil {
			return p
		}
		p := &RecapParty{ID: id, Path: []string{}}
		if m := start.ActiveMap(); m != nil {
			if c, ok := m.Tokens[id]; ok {
				p.Path = append(p.Path, m.Size.KeyAt(c).String())
			}
		}
		paths[id] = p
		partyOrder = append(partyOrder, id)
		return p
	}
	for _, id := range end.PartyOrder {
		party(id)
	}
	err = q.EachEvent(ctx, b.campaignID, span.First-1, span.Last, func(raw storage.Event) error {
		switch raw.Type {
		case game.EventPartyMove, game.EventPartyPlace, game.EventTravelMove, game.EventTravelFound, game.EventPartyUndo, game.EventPartyCreate:
		default:
			return nil
		}
		e, err := Decode(raw)
		if err != nil {
			return err
		}
		switch p := e.P.(type) {
		case *stepPayload:
			rp := party(p.PartyID)
			if len(p.Path) > 0 && (e.Type == game.EventPartyMove || e.Type == game.EventTravelMove) {
				rp.Path = append(rp.Path, p.Path...)
				rp.Steps += len(p.Path)
			} else if p.Key != nil {
				rp.Path = append(rp.Path, *p.Key)
			}
		case *undoPayload:
			if p.Key != nil {
				party(p.PartyID).Path = append(party(p.PartyID).Path, *p.Key)
			}
		case *partyCreatePayload: // a split starts where it was placed, or where its parent stood
			rp := party(p.PartyID)
			switch {
			case p.Key != nil:
				rp.Path = append(rp.Path, *p.Key)
			case p.CopiedFrom != nil:
				if from := party(*p.CopiedFrom).Path; len(from) > 0 && len(rp.Path) == 0 {
					rp.Path = append(rp.Path, from[len(from)-1])
				}
			}
		}
		return nil
	})
	if err != nil {
		return Recap{}, err
	}
	for _, id := range partyOrder {
		rp := paths[id]
		info, ok := end.PartyNames[id]
		if !ok {
			continue
		}
		rp.Name, rp.Color = info.Name, info.Color
		rp.Members = end.PartyMembers(id)
		if rp.Members == nil {
			rp.Members = []string{}
		}
		if st, ok := start.Travel[id]; ok {
			c := clockAt(start, st.Minutes)
			rp.Start = &c
		}
		if st, ok := end.Travel[id]; ok {
			c := clockAt(end, st.Minutes)
			rp.End = &c
		}
		if len(rp.Path) == 0 && rp.Steps == 0 && end.Parties[id] == nil {
			continue
		}
		out.Parties = append(out.Parties, *rp)
	}
	return out, nil
}

// journalEntriesBySession is every member's journal entries within a span.
func (b *Book) journalEntriesBySession(span *SessionSpan) map[string][]JournalEntry {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := map[string][]JournalEntry{}
	for id, j := range b.journals.byMember {
		for _, e := range j.entries {
			if e.Seq >= span.First && e.Seq <= span.Last {
				out[id] = append(out[id], e)
			}
		}
	}
	return out
}
