package game

import (
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"
)

// Weather: tables by climate and season, rolled per day or per watch (docs/travel.md).

// Season is one of the four seasons every climate has a table for.
type Season string

const (
	Spring Season = "spring"
	Summer Season = "summer"
	Autumn Season = "autumn"
	Winter Season = "winter"
)

// Seasons lists the seasons in the year's order.
var Seasons = []Season{Spring, Summer, Autumn, Winter}

// Valid reports whether s is one of Seasons.
func (s Season) Valid() bool { return slices.Contains(Seasons, s) }

// WeatherEvery says how often the weather is rolled.
type WeatherEvery string

const (
	WeatherDaily    WeatherEvery = "day"
	WeatherPerWatch WeatherEvery = "watch"
)

// WeatherEntry is one line of a weather table.
type WeatherEntry struct {
	Name   string `json:"name"`
	Weight int    `json:"weight"`
	// SightPenalty shortens sight and landmark distances by that many hexes (the sight rules'
	// penalty).
	SightPenalty int `json:"sightPenalty"`
	// PaceFactor multiplies the party's speed: 0.5 is half speed, so every step takes twice as
	// long. Absent means 1.
	PaceFactor *float64 `json:"paceFactor,omitempty"`
	// Share says whether players see this weather when it is rolled; the DM can still show or
	// hide it afterwards.
	Share bool `json:"share"`
}

// Pace is the entry's pace factor (1 when absent).
func (e WeatherEntry) Pace() float64 {
	if e.PaceFactor == nil {
		return 1
	}
	return *e.PaceFactor
}

// WeatherRules are a campaign's weather settings and tables.
type WeatherRules struct {
	Every   WeatherEvery `json:"every"`
	Climate string       `json:"climate"` // the key of Tables in use
	Season  Season       `json:"season"`
	// Tables maps a climate's name to its four seasons' tables.
	Tables map[string]map[Season][]WeatherEntry `json:"tables"`
}

// Weather table limits.
const (
	MaxClimates          = 16
	MaxClimateNameChars  = 40
	MaxWeatherNameChars  = 40
	MaxTableEntries      = 100
	MaxEntryWeight       = 1000
	MinPaceFactor        = 0.1
	MaxPaceFactor        = 2
	MaxWeatherSightDelta = MaxSight
)

// Validate checks the settings and every table, naming the first bad entry.
func (w WeatherRules) Validate() error {
	if w.Every != WeatherDaily && w.Every != WeatherPerWatch {
		return Errorf(EInvalid, `weather: "every" is "day" or "watch"`)
	}
	if len(w.Tables) < 1 || len(w.Tables) > MaxClimates {
		return Errorf(EInvalid, "weather: 1 to %d climates", MaxClimates)
	}
	for _, climate := range slices.Sorted(maps.Keys(w.Tables)) {
		if n := utf8.RuneCountInString(climate); !utf8.ValidString(climate) || n < 1 || n > MaxClimateNameChars {
			return Errorf(EInvalid, "weather: a climate's name has 1 to %d characters", MaxClimateNameChars)
		}
		seasons := w.Tables[climate]
		for s := range seasons {
			if !s.Valid() {
				return Errorf(EInvalid, "weather: %s: unknown season %q (spring, summer, autumn, winter)", climate, Truncate(string(s), 20))
			}
		}
		for _, s := range Seasons {
			table, ok := seasons[s]
			if !ok {
				return Errorf(EInvalid, "weather: %s has no table for %s", climate, s)
			}
			if err := validateWeatherTable(table); err != nil {
				return Errorf(EInvalid, "weather: %s, %s: %s", climate, s, err)
			}
		}
	}
	if _, ok := w.Tables[w.Climate]; !ok {
		return Errorf(EInvalid, "weather: the climate in use, %q, has no tables", Truncate(w.Climate, 40))
	}
	if !w.Season.Valid() {
		return Errorf(EInvalid, "weather: the season in use is spring, summer, autumn or winter")
	}
	return nil
}

func validateWeatherTable(table []WeatherEntry) error {
	if len(table) < 1 || len(table) > MaxTableEntries {
		return fmt.Errorf("a table has 1 to %d entries", MaxTableEntries)
	}
	total := 0
	for i, e := range table {
		name := fmt.Sprintf("entry %d", i+1)
		if e.Name != "" {
			name += fmt.Sprintf(" (%q)", Truncate(e.Name, 40))
		}
		switch n := utf8.RuneCountInString(e.Name); {
		case !utf8.ValidString(e.Name) || n < 1 || n > MaxWeatherNameChars:
			return fmt.Errorf("%s needs a name of 1 to %d characters", name, MaxWeatherNameChars)
		case e.Weight < 0 || e.Weight > MaxEntryWeight:
			return fmt.Errorf("%s: weight must be 0 to %d", name, MaxEntryWeight)
		case e.SightPenalty < 0 || e.SightPenalty > MaxWeatherSightDelta:
			return fmt.Errorf("%s: sight penalty must be 0 to %d hexes", name, MaxWeatherSightDelta)
		case e.PaceFactor != nil && !(*e.PaceFactor >= MinPaceFactor && *e.PaceFactor <= MaxPaceFactor):
			return fmt.Errorf("%s: pace factor must be %g to %g", name, MinPaceFactor, float64(MaxPaceFactor))
		}
		total += e.Weight
	}
	if total == 0 {
		return fmt.Errorf("the weights sum to zero: give at least one entry a weight above 0")
	}
	return nil
}

// Weather is the weather a party travels in.
type Weather struct {
	Name         string  `json:"name"`
	SightPenalty int     `json:"sightPenalty"`
	PaceFactor   float64 `json:"paceFactor"`
	Shared       bool    `json:"shared"` // players see it
	Climate      string  `json:"climate"`
	Season       Season  `json:"season"`
	Minutes      int     `json:"minutes"`        // the party's clock when it was rolled or set
	Roll         *Roll   `json:"roll,omitempty"` // the roll on the table; nil when the DM chose
}

// Pace is the weather's pace factor; no weather (nil) is fair weather.
func (w *Weather) Pace() float64 {
	if w == nil || w.PaceFactor <= 0 {
		return 1
	}
	return w.PaceFactor
}

// Penalty is the weather's sight penalty; no weather is none.
func (w *Weather) Penalty() int {
	if w == nil {
		return 0
	}
	return w.SightPenalty
}

// Roll picks the weather for the climate and season in use. The rules must be valid.
func (w WeatherRules) Roll(r Roller, minutes int) Weather {
	table := w.Tables[w.Climate][w.Season]
	weights := make([]int, len(table))
	for i, e := range table {
		weights[i] = e.Weight
	}
	i, roll := pickWeighted(r, weights)
	out := w.weatherOf(table[i], minutes)
	out.Roll = &roll
	return out
}

// Choose is the DM picking entry i of the table in use instead of rolling.
func (w WeatherRules) Choose(i, minutes int) (Weather, error) {
	table := w.Tables[w.Climate][w.Season]
	if i < 0 || i >= len(table) {
		return Weather{}, Errorf(EInvalid, "weather: the %s %s table has entries 1 to %d", w.Climate, w.Season, len(table))
	}
	return w.weatherOf(table[i], minutes), nil
}

func (w WeatherRules) weatherOf(e WeatherEntry, minutes int) Weather {
	return Weather{
		Name: e.Name, SightPenalty: e.SightPenalty, PaceFactor: e.Pace(), Shared: e.Share,
		Climate: w.Climate, Season: w.Season, Minutes: minutes,
	}
}

// DefaultWeatherRules: four climates, a table per season each (docs/travel.md).
func DefaultWeatherRules() WeatherRules {
	type e = WeatherEntry
	pace := func(f float64) *float64 { return &f }
	clear := func(name string, weight int) e { return e{Name: name, Weight: weight, Share: true} }
	fog := func(name string, weight, penalty int) e {
		return e{Name: name, Weight: weight, SightPenalty: penalty, Share: true}
	}
	slow := func(name string, weight, penalty int, f float64) e {
		return e{Name: name, Weight: weight, SightPenalty: penalty, PaceFactor: pace(f), Share: true}
	}
	return WeatherRules{
		Every: WeatherDaily, Climate: "temperate", Season: Spring,
		Tables: map[string]map[Season][]WeatherEntry{
			"temperate": {
				Spring: {clear("Clear", 5), clear("Overcast", 4), clear("Light rain", 4), slow("Heavy rain", 2, 1, 0.75), fog("Fog", 2, 1), slow("Thunderstorm", 1, 1, 0.75)},
				Summer: {clear("Clear", 8), clear("Overcast", 3), clear("Light rain", 3), slow("Thunderstorm", 2, 1, 0.75), slow("Heat wave", 1, 0, 0.75)},
				Autumn: {clear("Clear", 4), clear("Overcast", 4), clear("Light rain", 4), slow("Heavy rain", 3, 1, 0.75), fog("Fog", 3, 1), slow("Gale", 1, 0, 0.75)},
				Winter: {clear("Clear and cold", 4), clear("Overcast", 4), slow("Light snow", 4, 0, 0.75), slow("Heavy snow", 2, 1, 0.5), fog("Fog", 2, 1), slow("Blizzard", 1, 2, 0.5)},
			},
			"cold": {
				Spring: {clear("Clear and cold", 5), clear("Overcast", 4), slow("Light snow", 4, 0, 0.75), fog("Fog", 2, 1), slow("Heavy snow", 2, 1, 0.5), slow("Blizzard", 1, 2, 0.5)},
				Summer: {clear("Clear", 6), clear("Overcast", 4), clear("Drizzle", 3), fog("Fog", 3, 1), slow("Light snow", 1, 0, 0.75)},
				Autumn: {clear("Clear and cold", 4), clear("Overcast", 4), slow("Light snow", 4, 0, 0.75), slow("Heavy snow", 3, 1, 0.5), fog("Fog", 2, 1), slow("Blizzard", 2, 2, 0.5)},
				Winter: {clear("Bitter cold", 4), clear("Overcast", 3), slow("Light snow", 3, 0, 0.75), slow("Heavy snow", 4, 1, 0.5), slow("Blizzard", 3, 2, 0.5)},
			},
			"arid": {
				Spring: {clear("Clear", 10), slow("Hot", 4, 0, 0.75), clear("Windy", 3), clear("Rain", 1), slow("Sandstorm", 1, 2, 0.5)},
				Summer: {clear("Clear", 7), slow("Scorching", 6, 0, 0.75), clear("Windy", 3), fog("Dust haze", 2, 1), slow("Sandstorm", 2, 2, 0.5)},
				Autumn: {clear("Clear", 10), slow("Hot", 3, 0, 0.75), clear("Windy", 4), clear("Rain", 1), slow("Sandstorm", 1, 2, 0.5)},
				Winter: {clear("Clear", 10), clear("Cool", 4), clear("Windy", 3), clear("Rain", 2), slow("Sandstorm", 1, 2, 0.5)},
			},
			"tropical": {
				Spring: {clear("Clear", 5), clear("Humid", 5), clear("Showers", 5), slow("Downpour", 3, 1, 0.75), fog("Mist", 2, 1)},
				Summer: {clear("Clear", 2), clear("Humid", 3), clear("Showers", 5), slow("Downpour", 5, 1, 0.75), fog("Mist", 2, 1), slow("Tropical storm", 2, 2, 0.5)},
				Autumn: {clear("Clear", 4), clear("Humid", 4), clear("Showers", 5), slow("Downpour", 4, 1, 0.75), fog("Mist", 2, 1), slow("Tropical storm", 1, 2, 0.5)},
				Winter: {clear("Clear", 9), clear("Humid", 4), clear("Showers", 3), fog("Mist", 2, 1)},
			},
		},
	}
}
