package game

import "math"

// Hex maths on cube coordinates, after Red Blob Games' hexagon guide
// (https://www.redblobgames.com/grids/hexagons/), the field's reference. Keys stay offset
// coordinates on the wire (odd-q for flat maps, odd-r for pointy); sight, distance and lines
// are computed in cube coordinates, where they are simple.

// Cube is a hex in cube coordinates (q + r + s = 0; s is implied).
type Cube struct{ Q, R int }

// S is the third cube coordinate.
func (c Cube) S() int { return -c.Q - c.R }

// ToCube converts an offset key of a map with orientation o.
func ToCube(o Orientation, k Key) Cube {
	if o == Pointy {
		return Cube{Q: k.Col - (k.Row-(k.Row&1))/2, R: k.Row}
	}
	return Cube{Q: k.Col, R: k.Row - (k.Col-(k.Col&1))/2}
}

// FromCube converts back to offset coordinates (possibly off the map: check with Contains).
func FromCube(o Orientation, c Cube) Key {
	if o == Pointy {
		return Key{Col: c.Q + (c.R-(c.R&1))/2, Row: c.R}
	}
	return Key{Col: c.Q, Row: c.R + (c.Q-(c.Q&1))/2}
}

// CubeDistance is the number of steps between two hexes.
func CubeDistance(a, b Cube) int {
	return (abs(a.Q-b.Q) + abs(a.R-b.R) + abs(a.S()-b.S())) / 2
}

// Distance is the number of steps between two hexes of a map with orientation o.
func Distance(o Orientation, a, b Key) int { return CubeDistance(ToCube(o, a), ToCube(o, b)) }

// Adjacent reports whether b is one of a's six neighbours.
func Adjacent(o Orientation, a, b Key) bool { return Distance(o, a, b) == 1 }

// Within calls fn for every hex of the map at most n steps from center (center included), in
// rings of growing distance.
func Within(size Size, o Orientation, center Key, n int, fn func(k Key, dist int)) {
	c := ToCube(o, center)
	for dq := -n; dq <= n; dq++ {
		for dr := max(-n, -dq-n); dr <= min(n, -dq+n); dr++ {
			k := FromCube(o, Cube{Q: c.Q + dq, R: c.R + dr})
			if size.Contains(k) {
				fn(k, (abs(dq)+abs(dr)+abs(dq+dr))/2)
			}
		}
	}
}

// cubeLine returns the hexes on the straight line from a to b (both ends included), with the
// line nudged by eps so that a line running exactly along an edge between two hexes picks one
// side consistently. Callers that must not favour a side try both signs.
func cubeLine(a, b Cube, eps float64, out []Cube) []Cube {
	n := CubeDistance(a, b)
	out = out[:0]
	aq, ar := float64(a.Q)+eps, float64(a.R)+eps
	as := float64(a.S()) - 2*eps
	bq, br := float64(b.Q)+eps, float64(b.R)+eps
	bs := float64(b.S()) - 2*eps
	for i := 0; i <= n; i++ {
		t := 0.0
		if n > 0 {
			t = float64(i) / float64(n)
		}
		out = append(out, cubeRound(aq+(bq-aq)*t, ar+(br-ar)*t, as+(bs-as)*t))
	}
	return out
}

func cubeRound(q, r, s float64) Cube {
	rq, rr, rs := roundHalfUp(q), roundHalfUp(r), roundHalfUp(s)
	dq, dr, ds := absf(rq-q), absf(rr-r), absf(rs-s)
	switch {
	case dq > dr && dq > ds:
		rq = -rr - rs
	case dr > ds:
		rr = -rq - rs
	}
	return Cube{Q: int(rq), R: int(rr)}
}

// roundHalfUp is floor(x + 0.5): the same in Go and in the TypeScript twin (Math.round), so
// both sides draw the same lines.
func roundHalfUp(x float64) float64 { return math.Floor(x + 0.5) }

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func absf(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
