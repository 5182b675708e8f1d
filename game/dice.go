package game

import (
	crand "crypto/rand"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
)

// Dice, chances and the random source the travel turn rolls with (docs/travel.md). Every roll
// is returned as data (Roll) so the hub can log it and show it to the DM.

// Roller is a source of uniform random integers: IntN returns a number in [0, n).
// *Random and *math/rand/v2.Rand satisfy it.
type Roller interface {
	IntN(n int) int
}

// Random is the hub's random source: ChaCha8 seeded from the operating system's entropy,
// safe for concurrent use (rooms roll from their own goroutines).
type Random struct {
	mu sync.Mutex
	r  *rand.Rand
}

// NewRandom returns a source seeded from crypto/rand, for everything but tests.
func NewRandom() *Random {
	var seed [32]byte
	_, _ = crand.Read(seed[:]) // never fails (crypto/rand.Read's contract since Go 1.24)
	return &Random{r: rand.New(rand.NewChaCha8(seed))}
}

// NewSeededRandom returns a reproducible source. Only tests use it: a fixed seed makes every
// roll predictable.
func NewSeededRandom(seed uint64) *Random {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return &Random{r: rand.New(rand.NewChaCha8(s))}
}

// IntN returns a uniform number in [0, n). n must be positive.
func (r *Random) IntN(n int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.r.IntN(n)
}

// Dice bounds: a handful of dice covers every table; more is a typo.
const (
	MaxDiceCount    = 100
	MinDieSides     = 2
	MaxDieSides     = 100
	MaxDiceModifier = 1000
)

// Dice is XdY+Z: Count dice of Sides faces, plus Modifier (which may be negative).
type Dice struct {
	Count, Sides, Modifier int
}

// String renders the canonical notation: "2d4", "1d6+1", "3d8-2".
func (d Dice) String() string {
	s := strconv.Itoa(d.Count) + "d" + strconv.Itoa(d.Sides)
	switch {
	case d.Modifier > 0:
		s += "+" + strconv.Itoa(d.Modifier)
	case d.Modifier < 0:
		s += strconv.Itoa(d.Modifier)
	}
	return s
}

// ParseDice reads XdY, XdY+Z or XdY-Z (the d in either case; X may be left out for one die:
// "d6"). X is 1 to MaxDiceCount, Y is MinDieSides to MaxDieSides, Z at most MaxDiceModifier.
// Errors say what is wrong in words a DM understands.
func ParseDice(s string) (Dice, error) {
	bad := func(why string) (Dice, error) {
		return Dice{}, fmt.Errorf("%q is not dice notation: %s", Truncate(s, 40), why)
	}
	countText, rest, ok := strings.Cut(strings.ToLower(s), "d")
	if !ok {
		return bad(`write it as XdY, XdY+Z or XdY-Z, e.g. "2d4" or "1d6+1"`)
	}
	count := 1
	if countText != "" {
		n, err := smallNumber(countText)
		if err != nil {
			return bad("the number of dice before the d must be a whole number")
		}
		count = n
	}
	if count < 1 || count > MaxDiceCount {
		return bad(fmt.Sprintf("roll 1 to %d dice", MaxDiceCount))
	}
	sidesText, modText, sign := rest, "", 0
	if i := strings.IndexAny(rest, "+-"); i >= 0 {
		sidesText, modText = rest[:i], rest[i+1:]
		sign = 1
		if rest[i] == '-' {
			sign = -1
		}
	}
	sides, err := smallNumber(sidesText)
	if err != nil {
		return bad("the number of sides after the d must be a whole number")
	}
	if sides < MinDieSides || sides > MaxDieSides {
		return bad(fmt.Sprintf("a die has %d to %d sides", MinDieSides, MaxDieSides))
	}
	mod := 0
	if sign != 0 {
		n, err := smallNumber(modText)
		if err != nil {
			return bad(fmt.Sprintf("a whole number must follow the %q", rest[len(sidesText):len(sidesText)+1]))
		}
		if n > MaxDiceModifier {
			return bad(fmt.Sprintf("the modifier is at most %d", MaxDiceModifier))
		}
		mod = sign * n
	}
	return Dice{Count: count, Sides: sides, Modifier: mod}, nil
}

// smallNumber parses 1 to 4 ASCII digits: anything longer is out of every bound here.
func smallNumber(s string) (int, error) {
	if s == "" || len(s) > 4 {
		return 0, fmt.Errorf("bad number %q", s)
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("bad number %q", s)
		}
	}
	return strconv.Atoi(s)
}

// Roll is one roll as data: the dice, every face, the modifier and the total.
type Roll struct {
	Dice     string `json:"dice"`
	Faces    []int  `json:"faces"`
	Modifier int    `json:"modifier,omitempty"`
	Total    int    `json:"total"`
}

// Roll throws the dice.
func (d Dice) Roll(r Roller) Roll {
	out := Roll{Dice: d.String(), Faces: make([]int, d.Count), Modifier: d.Modifier, Total: d.Modifier}
	for i := range out.Faces {
		f := 1 + r.IntN(d.Sides)
		out.Faces[i] = f
		out.Total += f
	}
	return out
}

// Chance is "In in Of": one die of Of sides succeeds when it shows In or less. "1 in 6" is a
// 1 on a d6; "0 in 6" never happens.
type Chance struct {
	In, Of int
}

// String renders "1 in 6".
func (c Chance) String() string { return strconv.Itoa(c.In) + " in " + strconv.Itoa(c.Of) }

// Never reports whether the chance can never happen (nothing is rolled then).
func (c Chance) Never() bool { return c.In == 0 }

// ParseChance reads "N in M": M is a die (MinDieSides to MaxDieSides sides), N is 0 to M.
func ParseChance(s string) (Chance, error) {
	bad := func(why string) (Chance, error) {
		return Chance{}, fmt.Errorf("%q is not a chance: %s", Truncate(s, 40), why)
	}
	inText, ofText, ok := strings.Cut(strings.TrimSpace(s), " in ")
	if !ok {
		return bad(`write it as "N in M", e.g. "1 in 6"`)
	}
	in, err1 := smallNumber(strings.TrimSpace(inText))
	of, err2 := smallNumber(strings.TrimSpace(ofText))
	if err1 != nil || err2 != nil {
		return bad(`write it as "N in M" with whole numbers, e.g. "1 in 6"`)
	}
	if of < MinDieSides || of > MaxDieSides {
		return bad(fmt.Sprintf("the die after \"in\" has %d to %d sides", MinDieSides, MaxDieSides))
	}
	if in > of {
		return bad(fmt.Sprintf("at most %d in %d", of, of))
	}
	return Chance{In: in, Of: of}, nil
}

// MarshalJSON writes the chance as its string, "1 in 6".
func (c Chance) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// UnmarshalJSON reads "N in M".
func (c *Chance) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf(`a chance is a string such as "1 in 6"`)
	}
	v, err := ParseChance(s)
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Check rolls one die of Of sides; it succeeds on In or less.
func (c Chance) Check(r Roller) (Roll, bool) {
	roll := Dice{Count: 1, Sides: c.Of}.Roll(r)
	return roll, roll.Total <= c.In
}

// pickWeighted rolls 1dW over the weights (W their sum, which must be positive) and returns the
// index whose range holds the face: weights 3, 1 map faces 1–3 to entry 0 and 4 to entry 1.
func pickWeighted(r Roller, weights []int) (int, Roll) {
	total := 0
	for _, w := range weights {
		total += w
	}
	face := 1 + r.IntN(total)
	roll := Roll{Dice: "1d" + strconv.Itoa(total), Faces: []int{face}, Total: face}
	for i, w := range weights {
		if face <= w {
			return i, roll
		}
		face -= w
	}
	panic("pickWeighted: weights changed while picking")
}
