package game

import (
	"slices"
	"testing"
)

func TestParseKey(t *testing.T) {
	tests := []struct {
		in      string
		want    Key
		wantErr bool
	}{
		{in: "0,0", want: Key{0, 0}},
		{in: "3,12", want: Key{3, 12}},
		{in: "399,399", want: Key{399, 399}},
		{in: "03,1", wantErr: true},
		{in: " 3,1", wantErr: true},
		{in: "-1,0", wantErr: true},
		{in: "+1,0", wantErr: true},
		{in: "1,2,3", wantErr: true},
		{in: "1", wantErr: true},
		{in: ",", wantErr: true},
		{in: "1.5,2", wantErr: true},
		{in: "9999999,1", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseKey(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseKey(%q) err = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if err == nil {
				if got != tt.want {
					t.Fatalf("ParseKey(%q) = %v, want %v", tt.in, got, tt.want)
				}
				if got.String() != tt.in {
					t.Fatalf("round trip %q -> %q", tt.in, got.String())
				}
			}
		})
	}
}

func TestParseKeyOn(t *testing.T) {
	s := Size{Width: 4, Height: 2}
	if _, err := s.ParseKeyOn("3,1"); err != nil {
		t.Fatalf("on-map key rejected: %v", err)
	}
	for _, k := range []string{"4,0", "0,2"} {
		if _, err := s.ParseKeyOn(k); err == nil {
			t.Fatalf("off-map key %q accepted", k)
		}
	}
}

// Neighbourhood must be symmetric: if b is a neighbour of a, a is a neighbour of b. A wrong
// parity table breaks this, which is the usual offset-coordinate bug.
func TestNeighborsSymmetric(t *testing.T) {
	s := Size{Width: 7, Height: 6}
	for _, o := range []Orientation{Flat, Pointy} {
		for i := 0; i < s.Cells(); i++ {
			a := s.KeyAt(i)
			ns := s.Neighbors(o, a)
			if len(ns) > 6 {
				t.Fatalf("%s %v has %d neighbours", o, a, len(ns))
			}
			for _, b := range ns {
				if !slices.Contains(s.Neighbors(o, b), a) {
					t.Fatalf("%s: %v -> %v but not back", o, a, b)
				}
			}
		}
		if got := len(s.Neighbors(o, Key{3, 3})); got != 6 {
			t.Fatalf("%s interior hex has %d neighbours, want 6", o, got)
		}
	}
}

func TestFloodFill(t *testing.T) {
	// 5×3 flat map; a forest band in row 1 split by water at col 2.
	s := Size{Width: 5, Height: 3}
	grid := map[Key]Terrain{{0, 1}: Forest, {1, 1}: Forest, {2, 1}: Water, {3, 1}: Forest, {4, 1}: Forest}
	at := func(k Key) Terrain { return grid[k] }
	tests := []struct {
		name  string
		start Key
		want  int
	}{
		{"left forest", Key{0, 1}, 2},
		{"right forest", Key{4, 1}, 2},
		{"water alone", Key{2, 1}, 1},
		{"unpainted top row (row 1 walls it off)", Key{0, 0}, 5},
		{"off map", Key{9, 9}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FloodFill(s, Flat, tt.start, at)
			if len(got) != tt.want {
				t.Fatalf("FloodFill(%v) = %d hexes %v, want %d", tt.start, len(got), got, tt.want)
			}
			for _, k := range got {
				if at(k) != at(tt.start) {
					t.Fatalf("filled %v of another terrain", k)
				}
			}
		})
	}
}

func TestTerrainCodesRoundTrip(t *testing.T) {
	seen := map[byte]Terrain{}
	for _, tr := range append([]Terrain{Unpainted}, Terrains...) {
		c := tr.Code()
		if c == FogCode {
			t.Fatalf("%q uses the fog code", tr)
		}
		if prev, dup := seen[c]; dup {
			t.Fatalf("%q and %q share code %q", tr, prev, c)
		}
		seen[c] = tr
		back, ok := TerrainFromCode(c)
		if !ok || back != tr {
			t.Fatalf("code %q -> %q, want %q", c, back, tr)
		}
	}
	if _, ok := TerrainFromCode(FogCode); ok {
		t.Fatal("fog code decoded as terrain")
	}
}
