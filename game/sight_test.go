package game

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// sightCase is one hand-drawn map of testdata/sight/cases.json, shared with the frontend.
type sightCase struct {
	Name        string      `json:"name"`
	Orientation Orientation `json:"orientation"`
	Map         []string    `json:"map"`
	At          string      `json:"at"`
	Penalty     int         `json:"penalty"`
	Rules       SightRules  `json:"rules"`
	Seen        []string    `json:"seen"`
}

func loadSightCases(t *testing.T) []sightCase {
	t.Helper()
	raw, err := os.ReadFile("../testdata/sight/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []sightCase `json:"cases"`
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	var wrapper struct {
		About string          `json:"about"`
		Cases json.RawMessage `json:"cases"`
	}
	if err := dec.Decode(&wrapper); err != nil {
		t.Fatal(err)
	}
	cdec := json.NewDecoder(strings.NewReader(string(wrapper.Cases)))
	cdec.DisallowUnknownFields()
	if err := cdec.Decode(&f.Cases); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) < 10 {
		t.Fatalf("only %d sight cases", len(f.Cases))
	}
	return f.Cases
}

func TestSightCases(t *testing.T) {
	for _, tc := range loadSightCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			size := Size{Width: len(tc.Map[0]), Height: len(tc.Map)}
			terrain := []byte(strings.Join(tc.Map, ""))
			for _, c := range terrain {
				if _, ok := TerrainFromCode(c); !ok {
					t.Fatalf("bad terrain code %q in the map", c)
				}
			}
			at, err := size.ParseKeyOn(tc.At)
			if err != nil {
				t.Fatal(err)
			}
			s, err := tc.Rules.Compile()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			s.SeenFrom(size, tc.Orientation, terrain, at, tc.Penalty, func(i int) {
				got = append(got, size.KeyAt(i).String())
			})
			slices.Sort(got)
			want := slices.Clone(tc.Seen)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("seen from %s:\n got %v\nwant %v", tc.At, got, want)
			}
		})
	}
}

func TestSightRulesValidate(t *testing.T) {
	tests := []struct {
		name    string
		rules   SightRules
		wantErr string
	}{
		{"defaults", DefaultSightRules(), ""},
		{"empty uses defaults", SightRules{}, ""},
		{"unknown terrain", SightRules{"lava": {Sight: 1}}, `unknown terrain "lava"`},
		{"negative sight", SightRules{Plains: {Sight: -1}}, "plains: sight must be 0 to 12"},
		{"sight too far", SightRules{Hills: {Sight: 13}}, "hills: sight must be 0 to 12"},
		{"height too tall", SightRules{Mountains: {Sight: 3, Height: 4}}, "mountains: height must be 0 to 3"},
		{"landmark too far", SightRules{Unpainted: {Landmark: 99}}, "unpainted: landmark must be 0 to 12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rules.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCubeRoundTripAndDistance(t *testing.T) {
	size := Size{Width: 9, Height: 7}
	for _, o := range []Orientation{Flat, Pointy} {
		for i := 0; i < size.Cells(); i++ {
			k := size.KeyAt(i)
			if back := FromCube(o, ToCube(o, k)); back != k {
				t.Fatalf("%s: %v -> %v -> %v", o, k, ToCube(o, k), back)
			}
			// Distance 1 is exactly the neighbour relation of the offset grid.
			for j := 0; j < size.Cells(); j++ {
				n := size.KeyAt(j)
				if got, want := Adjacent(o, k, n), slices.Contains(size.Neighbors(o, k), n); got != want {
					t.Fatalf("%s: Adjacent(%v, %v) = %v, neighbours say %v", o, k, n, got, want)
				}
			}
		}
	}
}

func TestWithinCountsRings(t *testing.T) {
	size := Size{Width: 30, Height: 30}
	for _, o := range []Orientation{Flat, Pointy} {
		for n := 0; n <= 6; n++ {
			count := 0
			seen := map[Key]bool{}
			Within(size, o, Key{15, 15}, n, func(k Key, d int) {
				if d != Distance(o, Key{15, 15}, k) || d > n {
					t.Fatalf("%s: %v reported at %d", o, k, d)
				}
				if seen[k] {
					t.Fatalf("%s: %v twice", o, k)
				}
				seen[k] = true
				count++
			})
			if want := 1 + 3*n*(n+1); count != want {
				t.Fatalf("%s: %d hexes within %d, want %d", o, count, n, want)
			}
		}
	}
}

func TestCubeLineIsConnected(t *testing.T) {
	a := Cube{0, 0}
	for q := -6; q <= 6; q++ {
		for r := -6; r <= 6; r++ {
			b := Cube{q, r}
			for _, eps := range []float64{1e-6, -1e-6} {
				line := cubeLine(a, b, eps, nil)
				if line[0] != a || line[len(line)-1] != b || len(line) != CubeDistance(a, b)+1 {
					t.Fatalf("line %v→%v = %v", a, b, line)
				}
				for i := 1; i < len(line); i++ {
					if CubeDistance(line[i-1], line[i]) != 1 {
						t.Fatalf("line %v→%v has a gap: %v", a, b, line)
					}
				}
			}
		}
	}
}

// BenchmarkSeenFrom: one party's sight on a 200×200 map of mixed terrain with sight radius 6
// and line of sight (the move benchmark, without storage and sockets).
func BenchmarkSeenFrom(b *testing.B) {
	size := Size{Width: 200, Height: 200}
	terrain := make([]byte, size.Cells())
	codes := []byte("pppphhfm")
	for i := range terrain {
		terrain[i] = codes[(i*7919)%len(codes)]
	}
	rules := SightRules{Plains: {Sight: 6}, Hills: {Sight: 6, Height: 1}, Forest: {Sight: 6, Height: 1}}
	s := rules.MustCompile()
	at := Key{100, 100}
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		s.SeenFrom(size, Flat, terrain, at, 0, func(int) { n++ })
	}
	b.ReportMetric(float64(n)/float64(b.N), "hexes/op")
}

// The defaults are written in Go and in TypeScript; testdata/sight/defaults.json holds them
// once and both test suites compare against it.
func TestDefaultSightRulesMatchSharedFile(t *testing.T) {
	raw, err := os.ReadFile("../testdata/sight/defaults.json")
	if err != nil {
		t.Fatal(err)
	}
	var shared SightRules
	if err := json.Unmarshal(raw, &shared); err != nil {
		t.Fatal(err)
	}
	defaults := DefaultSightRules()
	if len(shared) != len(defaults) || len(defaults) != len(Terrains)+1 {
		t.Fatalf("shared file has %d terrains, Go defaults %d, terrains %d", len(shared), len(defaults), len(Terrains)+1)
	}
	for tr, want := range shared {
		if got := defaults[tr]; got != want {
			t.Fatalf("%q: Go default %+v, shared file %+v", tr, got, want)
		}
	}
}
