package game

import (
	"encoding/json"
	"strings"
	"testing"
)

// scripted is a Roller that returns the given die faces in order: face f of IntN(n) is f-1.
// Rule tests use it to say exactly which faces come up; it fails the test on a roll it was not
// given, or on a face the die does not have, so a rule that rolls more or other dice than it
// should is caught.
type scripted struct {
	t     *testing.T
	faces []int
}

func roll(t *testing.T, faces ...int) *scripted { return &scripted{t: t, faces: faces} }

func (s *scripted) IntN(n int) int {
	s.t.Helper()
	if len(s.faces) == 0 {
		s.t.Fatalf("an unexpected roll of 1d%d", n)
	}
	f := s.faces[0]
	s.faces = s.faces[1:]
	if f < 1 || f > n {
		s.t.Fatalf("face %d scripted for a roll of 1d%d", f, n)
	}
	return f - 1
}

// done fails the test if faces were left unrolled: a rule rolled fewer dice than expected.
func (s *scripted) done() {
	s.t.Helper()
	if len(s.faces) > 0 {
		s.t.Fatalf("faces %v were never rolled", s.faces)
	}
}

func TestParseDice(t *testing.T) {
	good := []struct {
		in   string
		want Dice
		text string
	}{
		{"2d4", Dice{2, 4, 0}, "2d4"},
		{"1d6+1", Dice{1, 6, 1}, "1d6+1"},
		{"3d8-2", Dice{3, 8, -2}, "3d8-2"},
		{"d6", Dice{1, 6, 0}, "1d6"},
		{"2D4", Dice{2, 4, 0}, "2d4"},
		{"1d2", Dice{1, 2, 0}, "1d2"},
		{"100d100+1000", Dice{100, 100, 1000}, "100d100+1000"},
		{"1d20-1000", Dice{1, 20, -1000}, "1d20-1000"},
		{"1d6+0", Dice{1, 6, 0}, "1d6"},
	}
	for _, tc := range good {
		t.Run(tc.in, func(t *testing.T) {
			d, err := ParseDice(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if d != tc.want || d.String() != tc.text {
				t.Fatalf("got %+v (%s), want %+v (%s)", d, d, tc.want, tc.text)
			}
		})
	}
	bad := []struct{ in, why string }{
		{"", "write it as XdY"},
		{"wolves", "write it as XdY"},
		{"6", "write it as XdY"},
		{"0d6", "roll 1 to 100 dice"},
		{"101d6", "roll 1 to 100 dice"},
		{"2d1", "a die has 2 to 100 sides"},
		{"2d0", "a die has 2 to 100 sides"},
		{"2d101", "a die has 2 to 100 sides"},
		{"2d", "number of sides after the d"},
		{"d", "number of sides after the d"},
		{"2dx", "number of sides after the d"},
		{"xd6", "number of dice before the d"},
		{"-1d6", "number of dice before the d"},
		{" 2d4", "number of dice before the d"},
		{"2d4 ", "number of sides after the d"},
		{"2d4+", `a whole number must follow the "+"`},
		{"2d4-x", `a whole number must follow the "-"`},
		{"2d4+1+1", `a whole number must follow the "+"`},
		{"2d4+1001", "the modifier is at most 1000"},
		{"99999d6", "number of dice before the d"},
	}
	for _, tc := range bad {
		t.Run("bad "+tc.in, func(t *testing.T) {
			_, err := ParseDice(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.why) {
				t.Fatalf("ParseDice(%q) = %v, want an error saying %q", tc.in, err, tc.why)
			}
			if !strings.Contains(err.Error(), "not dice notation") {
				t.Fatalf("the error does not say what it is about: %v", err)
			}
		})
	}
}

func TestDiceRoll(t *testing.T) {
	r := roll(t, 3, 4, 1)
	got := Dice{Count: 3, Sides: 4, Modifier: -2}.Roll(r)
	r.done()
	if got.Dice != "3d4-2" || len(got.Faces) != 3 || got.Faces[0] != 3 || got.Faces[1] != 4 || got.Faces[2] != 1 ||
		got.Modifier != -2 || got.Total != 6 {
		t.Fatalf("got %+v", got)
	}
	b, _ := json.Marshal(got)
	if string(b) != `{"dice":"3d4-2","faces":[3,4,1],"modifier":-2,"total":6}` {
		t.Fatalf("json %s", b)
	}
}

// A seeded source gives every face of a die over many rolls and nothing outside it, and the
// same seed gives the same rolls.
func TestSeededRandom(t *testing.T) {
	a, b := NewSeededRandom(7), NewSeededRandom(7)
	seen := map[int]int{}
	for range 6000 {
		roll := Dice{Count: 1, Sides: 6}.Roll(a)
		if again := (Dice{Count: 1, Sides: 6}).Roll(b); again.Total != roll.Total {
			t.Fatal("the same seed rolled differently")
		}
		seen[roll.Total]++
	}
	for f := 1; f <= 6; f++ {
		if seen[f] < 800 || seen[f] > 1200 {
			t.Fatalf("face %d came up %d times in 6000 rolls: %v", f, seen[f], seen)
		}
	}
	if len(seen) != 6 {
		t.Fatalf("faces outside 1–6: %v", seen)
	}
	// The hub's source: crypto-seeded, so two sources differ.
	x, y := NewRandom(), NewRandom()
	same := true
	for range 20 {
		if x.IntN(1<<30) != y.IntN(1<<30) {
			same = false
		}
	}
	if same {
		t.Fatal("two crypto-seeded sources rolled the same 20 numbers")
	}
}

func TestChance(t *testing.T) {
	good := map[string]Chance{"1 in 6": {1, 6}, "0 in 6": {0, 6}, "6 in 6": {6, 6}, "3 in 100": {3, 100}, " 2 in 10 ": {2, 10}}
	for in, want := range good {
		got, err := ParseChance(in)
		if err != nil || got != want {
			t.Fatalf("ParseChance(%q) = %v, %v", in, got, err)
		}
	}
	bad := map[string]string{
		"7 in 6":   "at most 6 in 6",
		"1 of 6":   `write it as "N in M"`,
		"1 in 1":   "2 to 100 sides",
		"1 in 101": "2 to 100 sides",
		"-1 in 6":  "whole numbers",
		"one in 6": "whole numbers",
		"":         `write it as "N in M"`,
	}
	for in, why := range bad {
		if _, err := ParseChance(in); err == nil || !strings.Contains(err.Error(), why) {
			t.Fatalf("ParseChance(%q) = %v, want %q", in, err, why)
		}
	}
	var c Chance
	if err := json.Unmarshal([]byte(`"2 in 8"`), &c); err != nil || c != (Chance{2, 8}) {
		t.Fatal(c, err)
	}
	if err := json.Unmarshal([]byte(`{"in":1,"of":6}`), &c); err == nil {
		t.Fatal("an object was read as a chance")
	}
	b, _ := json.Marshal(Chance{1, 6})
	if string(b) != `"1 in 6"` {
		t.Fatalf("%s", b)
	}
	// "1 in 6" hits on a 1 only.
	for face, hit := range map[int]bool{1: true, 2: false, 6: false} {
		r := roll(t, face)
		got, ok := Chance{1, 6}.Check(r)
		r.done()
		if ok != hit || got.Dice != "1d6" || got.Total != face {
			t.Fatalf("face %d: %+v hit=%v", face, got, ok)
		}
	}
}

func TestPickWeighted(t *testing.T) {
	cases := []struct {
		weights []int
		face    int
		want    int
	}{
		{[]int{3, 1}, 1, 0}, {[]int{3, 1}, 3, 0}, {[]int{3, 1}, 4, 1},
		{[]int{0, 2, 0, 1}, 1, 1}, {[]int{0, 2, 0, 1}, 2, 1}, {[]int{0, 2, 0, 1}, 3, 3},
		{[]int{5}, 5, 0},
	}
	for _, tc := range cases {
		r := roll(t, tc.face)
		got, rolled := pickWeighted(r, tc.weights)
		r.done()
		if got != tc.want || rolled.Total != tc.face {
			t.Fatalf("weights %v face %d: entry %d (%+v), want %d", tc.weights, tc.face, got, rolled, tc.want)
		}
	}
	// Over many seeded rolls the entries come up in proportion to their weights.
	r := NewSeededRandom(11)
	counts := make([]int, 3)
	for range 40000 {
		i, _ := pickWeighted(r, []int{6, 3, 1})
		counts[i]++
	}
	for i, want := range []float64{0.6, 0.3, 0.1} {
		if got := float64(counts[i]) / 40000; got < want-0.015 || got > want+0.015 {
			t.Fatalf("entry %d came up %.3f of the time, want %.2f (%v)", i, got, want, counts)
		}
	}
}
