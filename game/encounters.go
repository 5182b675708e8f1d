package game

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Encounter checks: when to check, the chance per terrain, and a table per terrain of weighted
// entries such as "2d4 wolves" (docs/travel.md).

// EncounterPoints says when the hub checks for an encounter by itself. The DM can always check
// by hand.
type EncounterPoints struct {
	Watch bool `json:"watch"` // each time a new watch begins for the party
	Hex   bool `json:"hex"`   // each hex a move enters
	Rest  bool `json:"rest"`  // once per rest or camp
}

// EncounterEntry is one line of an encounter table: its text, with dice notation where a number
// is rolled ("2d4 wolves", "a patrol of 1d4+2 riders") or none ("a lone hermit").
type EncounterEntry struct {
	Text   string `json:"text"`
	Weight int    `json:"weight"`
}

// EncounterRules are a campaign's encounter settings and tables.
type EncounterRules struct {
	Points EncounterPoints `json:"points"`
	// Chance is the chance of an encounter per check, by terrain (unpainted is ""). Terrains
	// left out use the defaults.
	Chance map[Terrain]Chance `json:"chance"`
	// Tables are what is met, by terrain. A terrain without a table uses the unpainted one's;
	// a check that hits with neither says so and leaves the encounter to the DM.
	Tables map[Terrain][]EncounterEntry `json:"tables"`
}

// MaxEncounterTextChars bounds an entry's text: it becomes a marker's label.
const MaxEncounterTextChars = MaxLabelChars

// Validate checks chances and tables, naming the first bad entry.
func (e EncounterRules) Validate() error {
	for _, t := range slices.Sorted(maps.Keys(e.Chance)) {
		if !t.Valid() {
			return Errorf(EInvalid, "encounters: unknown terrain %q", Truncate(string(t), 40))
		}
	}
	for _, t := range slices.Sorted(maps.Keys(e.Tables)) {
		if !t.Valid() {
			return Errorf(EInvalid, "encounters: unknown terrain %q", Truncate(string(t), 40))
		}
		table := e.Tables[t]
		if len(table) > MaxTableEntries {
			return Errorf(EInvalid, "encounters: %s: a table has at most %d entries", terrainName(t), MaxTableEntries)
		}
		if len(table) == 0 {
			continue // no table: the unpainted one's is used
		}
		total := 0
		for i, entry := range table {
			if err := entry.validate(); err != nil {
				return Errorf(EInvalid, "encounters: %s, entry %d (%q): %s", terrainName(t), i+1, Truncate(entry.Text, 40), err)
			}
			total += entry.Weight
		}
		if total == 0 {
			return Errorf(EInvalid, "encounters: %s: the weights sum to zero; give at least one entry a weight above 0", terrainName(t))
		}
	}
	return nil
}

func (e EncounterEntry) validate() error {
	if n := utf8.RuneCountInString(e.Text); !utf8.ValidString(e.Text) || n < 1 || n > MaxEncounterTextChars {
		return fmt.Errorf("the text has 1 to %d characters", MaxEncounterTextChars)
	}
	if e.Weight < 0 || e.Weight > MaxEntryWeight {
		return fmt.Errorf("weight must be 0 to %d", MaxEntryWeight)
	}
	_, _, _, err := e.Parse()
	return err
}

// Parse finds the entry's dice: the word that looks like dice (digits, a d, then a digit:
// "2d4", "d6", "1d6+1"), which must then be valid notation, and at most one such word. It
// returns the dice (nil when there are none) and the entry's words, split at spaces, with the
// dice's index in them (-1 when none).
func (e EncounterEntry) Parse() (*Dice, []string, int, error) {
	words := strings.Fields(e.Text)
	var dice *Dice
	at := -1
	for i, w := range words {
		if !looksLikeDice(w) {
			continue
		}
		if dice != nil {
			return nil, nil, -1, fmt.Errorf("roll one set of dice per entry (%q and %q)", words[at], w)
		}
		d, err := ParseDice(w)
		if err != nil {
			return nil, nil, -1, err
		}
		dice, at = &d, i
	}
	if dice != nil && len(words) == 1 {
		return nil, nil, -1, fmt.Errorf("say what is met besides the dice, e.g. %q", words[0]+" wolves")
	}
	return dice, words, at, nil
}

func looksLikeDice(word string) bool {
	i := 0
	for i < len(word) && word[i] >= '0' && word[i] <= '9' {
		i++
	}
	return i+1 < len(word) && (word[i] == 'd' || word[i] == 'D') && word[i+1] >= '0' && word[i+1] <= '9'
}

// CheckReason is why an encounter check was made.
type CheckReason string

const (
	CheckWatch  CheckReason = "watch"
	CheckHex    CheckReason = "hex"
	CheckRest   CheckReason = "rest"
	CheckManual CheckReason = "manual"
)

// EncounterResult is what a hit on the table brought.
type EncounterResult struct {
	Terrain Terrain `json:"terrain"` // whose table was rolled on ("" the unpainted fallback)
	Entry   int     `json:"entry"`   // 0-based index into that table; -1 when there was none
	Text    string  `json:"text"`    // the entry as written
	Pick    *Roll   `json:"pick,omitempty"`
	Count   *Roll   `json:"count,omitempty"` // the entry's dice, when it has some
	// Summary reads "5 wolves", "a lone hermit", or says there was no table.
	Summary string `json:"summary"`
}

// EncounterCheck is one check and, on a hit, its result.
type EncounterCheck struct {
	Reason  CheckReason      `json:"reason"`
	At      string           `json:"at"` // the hex the party truly stands on
	Terrain Terrain          `json:"terrain"`
	Chance  Chance           `json:"chance"`
	Roll    *Roll            `json:"roll,omitempty"` // nil when the chance is "0 in N"
	Hit     bool             `json:"hit"`
	Result  *EncounterResult `json:"result,omitempty"`
}

// encounterTable returns the table used for terrain t and whose table it is.
func (e EncounterRules) encounterTable(t Terrain) (Terrain, []EncounterEntry) {
	if table := e.Tables[t]; len(table) > 0 {
		return t, table
	}
	return Unpainted, e.Tables[Unpainted]
}

// RollEncounter rolls on the table for terrain t (the rules must be valid).
func (e EncounterRules) RollEncounter(r Roller, t Terrain) EncounterResult {
	owner, table := e.encounterTable(t)
	if len(table) == 0 {
		return EncounterResult{Terrain: t, Entry: -1, Summary: "an encounter (no table for " + terrainName(t) + ")"}
	}
	weights := make([]int, len(table))
	for i, entry := range table {
		weights[i] = entry.Weight
	}
	i, pick := pickWeighted(r, weights)
	out := EncounterResult{Terrain: owner, Entry: i, Text: table[i].Text, Pick: &pick}
	dice, words, at, err := table[i].Parse()
	if err != nil || dice == nil {
		out.Summary = strings.Join(strings.Fields(table[i].Text), " ")
		return out
	}
	count := dice.Roll(r)
	out.Count = &count
	words[at] = strconv.Itoa(max(0, count.Total))
	out.Summary = strings.Join(words, " ")
	return out
}

// check makes an encounter check for a party standing on `at` (terrain t): the chance for t,
// and on a hit a roll on its table. chance is the rules' chance for t, defaults filled in.
func (e EncounterRules) check(r Roller, reason CheckReason, at Key, t Terrain, chance Chance) EncounterCheck {
	out := EncounterCheck{Reason: reason, At: at.String(), Terrain: t, Chance: chance}
	if chance.Never() {
		return out
	}
	roll, hit := chance.Check(r)
	out.Roll, out.Hit = &roll, hit
	if hit {
		res := e.RollEncounter(r, t)
		out.Result = &res
	}
	return out
}

func terrainName(t Terrain) string {
	if t == Unpainted {
		return "unpainted"
	}
	return string(t)
}

// DefaultEncounterRules: a check each watch, chances after The Alexandrian's table, and a
// small generic table per terrain for a DM to replace (docs/travel.md).
func DefaultEncounterRules() EncounterRules {
	c := func(in, of int) Chance { return Chance{In: in, Of: of} }
	return EncounterRules{
		Points: EncounterPoints{Watch: true},
		Chance: map[Terrain]Chance{
			Unpainted: c(1, 12), Plains: c(1, 10), Forest: c(1, 8), Hills: c(1, 8),
			Mountains: c(1, 6), Swamp: c(1, 6), Desert: c(1, 10), Water: c(1, 12),
			Coast: c(1, 10), Tundra: c(1, 10), Jungle: c(1, 6), Settlement: c(1, 12), Ruins: c(1, 6),
		},
		Tables: map[Terrain][]EncounterEntry{
			Unpainted: {{"1d6+1 bandits", 3}, {"2d4 wolves", 3}, {"1d4 travellers", 3}, {"a lone hermit", 1}},
			Plains: {{"1d4 merchants with a wagon", 3}, {"1d6+1 bandits", 3}, {"2d4 wild horses", 2},
				{"1d8+2 orcs", 2}, {"a patrol of 1d4+2 riders", 3}, {"a lone hermit", 1}},
			Forest: {{"2d4 wolves", 4}, {"1d6+1 bandits", 3}, {"1d3 brown bears", 2}, {"1d4 woodcutters", 2},
				{"2d6 goblins", 2}, {"a dryad", 1}},
			Hills: {{"1d6+1 bandits", 3}, {"2d4 goblins", 3}, {"1d4 hill shepherds", 2}, {"1d2 ogres", 1},
				{"2d4 wolves", 2}, {"a lone hermit", 1}},
			Mountains: {{"1d4 mountain lions", 2}, {"2d6 orcs", 3}, {"1d3 giant eagles", 2}, {"1d2 hill giants", 1},
				{"1d4 dwarf prospectors", 2}, {"a rockslide", 2}},
			Swamp: {{"1d6 giant frogs", 3}, {"2d4 lizardfolk", 3}, {"1d4 crocodiles", 2}, {"a will-o'-wisp", 1},
				{"2d6 stirges", 2}, {"a sinking bog", 1}},
			Desert: {{"1d6 nomads", 3}, {"1d4 giant scorpions", 2}, {"2d4 jackals", 3}, {"a dust devil", 1},
				{"1d4 merchants with camels", 2}, {"a mirage", 1}},
			Water: {{"1d4 fishing boats", 3}, {"2d4 merrow", 1}, {"a floating wreck", 2}, {"1d6 giant crabs", 2}},
			Coast: {{"1d4 fishers", 3}, {"1d6+1 smugglers", 2}, {"1d6 giant crabs", 2}, {"a shipwreck", 1},
				{"2d4 sahuagin", 1}},
			Tundra: {{"2d4 wolves", 3}, {"1d3 polar bears", 2}, {"1d6 hunters", 2}, {"a frost giant", 1},
				{"a herd of 2d10 caribou", 2}},
			Jungle: {{"1d4 giant spiders", 3}, {"2d6 lizardfolk", 2}, {"1d2 tigers", 2}, {"2d4 apes", 2},
				{"a lost explorer", 1}},
			Settlement: {{"1d4 town guards", 4}, {"a pickpocket", 2}, {"1d4 merchants", 3}, {"a beggar with a rumour", 2},
				{"1d6 drunken sailors", 1}},
			Ruins: {{"2d6 skeletons", 3}, {"1d4 ghouls", 2}, {"1d6+1 bandits", 2}, {"2d4 giant rats", 3},
				{"a wraith", 1}, {"1d4 treasure hunters", 2}},
		},
	}
}
