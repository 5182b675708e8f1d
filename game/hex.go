// Package game holds Hexcrawl's domain: hex keys and maps, terrain, session status, broadcast
// modes, event types and error codes; the entities a campaign is made of and the changes a DM
// makes; the limits and rules every part shares. It imports nothing else of the project, so the
// hub, storage and the desktop shell all speak the same words without reaching into each other.
package game

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxMapSide bounds a map's width and height. 400×400 = 160,000 hexes keeps a full DM state
// under a few megabytes and a compact grid under 160 KB.
const MaxMapSide = 400

// Orientation is how hexes sit on the map: flat tops (odd-q offset columns) or pointy tops
// (odd-r offset rows).
type Orientation string

const (
	Flat   Orientation = "flat"
	Pointy Orientation = "pointy"
)

// Valid reports whether o is a known orientation.
func (o Orientation) Valid() bool { return o == Flat || o == Pointy }

// Key addresses one hex in offset coordinates (col, row), both 0-based.
type Key struct {
	Col, Row int
}

// String renders the canonical wire form "col,row".
func (k Key) String() string {
	return strconv.Itoa(k.Col) + "," + strconv.Itoa(k.Row)
}

// ParseKey parses the canonical wire form "col,row". Anything else (spaces, signs, leading
// zeros, extra parts) is rejected so that one hex has exactly one spelling.
func ParseKey(s string) (Key, error) {
	colText, rowText, ok := strings.Cut(s, ",")
	if !ok {
		return Key{}, fmt.Errorf("%q is not a hex key of the form \"col,row\"", s)
	}
	col, err1 := parseCoord(colText)
	row, err2 := parseCoord(rowText)
	if err1 != nil || err2 != nil {
		return Key{}, fmt.Errorf("%q is not a hex key of the form \"col,row\" with non-negative integers", s)
	}
	return Key{Col: col, Row: row}, nil
}

func parseCoord(s string) (int, error) {
	if s == "" || len(s) > 6 || (len(s) > 1 && s[0] == '0') {
		return 0, fmt.Errorf("bad coordinate %q", s)
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("bad coordinate %q", s)
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

// Size is a map's dimensions in hexes.
type Size struct {
	Width, Height int
}

// Valid reports whether both sides are within 1..MaxMapSide.
func (s Size) Valid() bool {
	return s.Width >= 1 && s.Height >= 1 && s.Width <= MaxMapSide && s.Height <= MaxMapSide
}

// Cells is the number of hexes on the map.
func (s Size) Cells() int { return s.Width * s.Height }

// Contains reports whether k lies on the map.
func (s Size) Contains(k Key) bool {
	return k.Col >= 0 && k.Row >= 0 && k.Col < s.Width && k.Row < s.Height
}

// Index is k's row-major position in a grid of this size. k must be on the map.
func (s Size) Index(k Key) int { return k.Row*s.Width + k.Col }

// KeyAt is the inverse of Index.
func (s Size) KeyAt(i int) Key { return Key{Col: i % s.Width, Row: i / s.Width} }

// ParseKeyOn parses s and checks that it lies on a map of this size.
func (s Size) ParseKeyOn(text string) (Key, error) {
	k, err := ParseKey(text)
	if err != nil {
		return Key{}, err
	}
	if !s.Contains(k) {
		return Key{}, fmt.Errorf("%q is off the %d×%d map", text, s.Width, s.Height)
	}
	return k, nil
}

// Neighbors returns the up-to-six on-map neighbours of k. Offset coordinates shift every other
// column (flat, odd-q) or row (pointy, odd-r), so the neighbour offsets depend on parity.
func (s Size) Neighbors(o Orientation, k Key) []Key {
	var deltas [6][2]int
	if o == Flat {
		if k.Col%2 == 0 {
			deltas = [6][2]int{{1, 0}, {1, -1}, {0, -1}, {-1, -1}, {-1, 0}, {0, 1}}
		} else {
			deltas = [6][2]int{{1, 1}, {1, 0}, {0, -1}, {-1, 0}, {-1, 1}, {0, 1}}
		}
	} else {
		if k.Row%2 == 0 {
			deltas = [6][2]int{{1, 0}, {0, -1}, {-1, -1}, {-1, 0}, {-1, 1}, {0, 1}}
		} else {
			deltas = [6][2]int{{1, 0}, {1, -1}, {0, -1}, {-1, 0}, {0, 1}, {1, 1}}
		}
	}
	out := make([]Key, 0, 6)
	for _, d := range deltas {
		n := Key{Col: k.Col + d[0], Row: k.Row + d[1]}
		if s.Contains(n) {
			out = append(out, n)
		}
	}
	return out
}
