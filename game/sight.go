package game

import (
	"fmt"
	"maps"
	"slices"
)

// What a party sees from where it stands. docs/exploration.md explains the rules, their
// defaults and where they come from (The Alexandrian's "spot distances", Robert Conley's
// sighting rules for 5-mile hexes).

// SightRule is how one terrain shapes sight.
type SightRule struct {
	// Sight is how many hexes around it a party standing on this terrain sees (0: only the hex
	// it stands on — the canopy or the reeds close in).
	Sight int `json:"sight"`
	// Height is 0 (low), 1 (raised: hills, canopy, walls) or more (mountains). A hex on the line
	// between viewer and target blocks it when it is taller than both ends.
	Height int `json:"height"`
	// Landmark is how far away a hex of this terrain can be seen by a party that sees out at all
	// (Sight ≥ 1): mountains and towers stand out. 0: no farther than the viewer's own Sight.
	Landmark int `json:"landmark"`
}

// Limits on sight rules: beyond a dozen hexes a party would see most of a table's map at once.
const (
	MaxSight  = 12
	MaxHeight = 3
)

// SightRules maps each terrain (Unpainted included) to its rule. Terrains it leaves out use
// DefaultSightRules.
type SightRules map[Terrain]SightRule

// DefaultSightRules are the rules a new campaign starts with (docs/exploration.md).
func DefaultSightRules() SightRules {
	return SightRules{
		Unpainted:  {Sight: 1},
		Plains:     {Sight: 1},
		Forest:     {Sight: 0, Height: 1},
		Hills:      {Sight: 2, Height: 1},
		Mountains:  {Sight: 3, Height: 2, Landmark: 4},
		Swamp:      {Sight: 0},
		Desert:     {Sight: 1},
		Water:      {Sight: 1},
		Coast:      {Sight: 1},
		Tundra:     {Sight: 1},
		Jungle:     {Sight: 0, Height: 1},
		Settlement: {Sight: 1, Height: 1, Landmark: 2},
		Ruins:      {Sight: 1},
	}
}

// Validate reports the first bad entry, naming it.
func (r SightRules) Validate() error {
	for _, t := range slices.Sorted(maps.Keys(r)) {
		if !t.Valid() {
			return fmt.Errorf("sight rules: unknown terrain %q", truncate(string(t), 40))
		}
		v := r[t]
		name := string(t)
		if t == Unpainted {
			name = "unpainted"
		}
		switch {
		case v.Sight < 0 || v.Sight > MaxSight:
			return fmt.Errorf("sight rules: %s: sight must be 0 to %d hexes", name, MaxSight)
		case v.Height < 0 || v.Height > MaxHeight:
			return fmt.Errorf("sight rules: %s: height must be 0 to %d", name, MaxHeight)
		case v.Landmark < 0 || v.Landmark > MaxSight:
			return fmt.Errorf("sight rules: %s: landmark must be 0 to %d hexes", name, MaxSight)
		}
	}
	return nil
}

// With returns the rules with the defaults filled in for every terrain they leave out.
func (r SightRules) With() SightRules {
	out := DefaultSightRules()
	for t, v := range r {
		out[t] = v
	}
	return out
}

// Sight is a compiled, read-only rule table indexed by terrain code.
type Sight struct {
	byCode [256]SightRule
	reach  int // the farthest any hex can be seen from, before a penalty
}

// Compile checks the rules and prepares them for SeenFrom.
func (r SightRules) Compile() (*Sight, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	s := &Sight{}
	for t, v := range r.With() {
		s.byCode[t.Code()] = v
		s.reach = max(s.reach, v.Sight, v.Landmark)
	}
	return s, nil
}

// MustCompile is Compile for rules known to be valid (the defaults, rules read back after
// validation); it panics otherwise.
func (r SightRules) MustCompile() *Sight {
	s, err := r.Compile()
	if err != nil {
		panic(err)
	}
	return s
}

// SeenFrom calls fn with the row-major index of every hex a party standing at `at` sees,
// `at` itself excluded. terrain holds the map's terrain codes (row-major). penalty (bad
// weather) shortens both Sight and Landmark by that many hexes.
//
// A hex at distance d is seen when the viewer sees out at all (its Sight after the penalty is
// at least 1), d is within the viewer's Sight or the target's Landmark (after the penalty), and
// no hex strictly between them is taller than both ends. The line between two hex centres is
// drawn twice, nudged to either side; the target is seen if either line is clear, so a line
// running exactly along an edge is not blocked by the hex on one side alone.
func (s *Sight) SeenFrom(size Size, o Orientation, terrain []byte, at Key, penalty int, fn func(i int)) {
	if !size.Contains(at) {
		return
	}
	penalty = max(0, penalty)
	viewer := s.byCode[terrain[size.Index(at)]]
	sight := viewer.Sight - penalty
	if sight < 1 {
		return
	}
	reach := max(sight, s.reach-penalty)
	from := ToCube(o, at)
	var buf [2 * (MaxSight + 2)]Cube
	Within(size, o, at, reach, func(k Key, d int) {
		if d == 0 {
			return
		}
		i := size.Index(k)
		target := s.byCode[terrain[i]]
		if d > sight && d > target.Landmark-penalty {
			return
		}
		if d == 1 {
			fn(i) // neighbours share an edge: nothing stands between
			return
		}
		top := max(viewer.Height, target.Height)
		to := ToCube(o, k)
		if s.clear(size, o, terrain, cubeLine(from, to, 1e-6, buf[:0]), top) ||
			s.clear(size, o, terrain, cubeLine(from, to, -1e-6, buf[:0]), top) {
			fn(i)
		}
	})
}

// clear reports whether no hex strictly inside the line is taller than top. Hexes off the map
// (a line can graze a ragged edge) block nothing.
func (s *Sight) clear(size Size, o Orientation, terrain []byte, line []Cube, top int) bool {
	for _, c := range line[1 : len(line)-1] {
		k := FromCube(o, c)
		if size.Contains(k) && s.byCode[terrain[size.Index(k)]].Height > top {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
