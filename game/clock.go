package game

import (
	"fmt"
	"unicode/utf8"
)

// The in-game clock (docs/travel.md). A party's time is a count of minutes since the
// campaign's start, which is the start of day 1's first watch; the calendar turns it into a
// day and a watch.

// Watch is one part of the day.
type Watch struct {
	Name  string `json:"name"`
	Hours int    `json:"hours"`
}

// Calendar divides a day into watches.
type Calendar struct {
	// Watches, in order from the first of the day. Their hours sum to 24.
	Watches []Watch `json:"watches"`
	// FirstWatchStarts is the hour of the day (0–23) the first watch begins: it only labels
	// the time of day; days and watches count from the first watch.
	FirstWatchStarts int `json:"firstWatchStarts"`
}

// Calendar limits.
const (
	MaxWatchNameChars = 24
	MinutesPerDay     = 24 * 60
)

// DefaultCalendar is six 4-hour watches from 6 in the morning: the Alexandrian hexcrawl's
// watches (docs/travel.md).
func DefaultCalendar() Calendar {
	return Calendar{
		FirstWatchStarts: 6,
		Watches: []Watch{
			{Name: "Morning", Hours: 4},
			{Name: "Midday", Hours: 4},
			{Name: "Afternoon", Hours: 4},
			{Name: "Evening", Hours: 4},
			{Name: "Night", Hours: 4},
			{Name: "Small hours", Hours: 4},
		},
	}
}

// Validate checks the calendar: 1 to 24 watches of whole hours summing to 24, with distinct
// names of 1 to MaxWatchNameChars characters.
func (c Calendar) Validate() error {
	if len(c.Watches) < 1 || len(c.Watches) > 24 {
		return Errorf(EInvalid, "calendar: a day has 1 to 24 watches")
	}
	if c.FirstWatchStarts < 0 || c.FirstWatchStarts > 23 {
		return Errorf(EInvalid, "calendar: the first watch starts at an hour from 0 to 23")
	}
	total := 0
	seen := make(map[string]bool, len(c.Watches))
	for i, w := range c.Watches {
		if n := utf8.RuneCountInString(w.Name); !utf8.ValidString(w.Name) || n < 1 || n > MaxWatchNameChars {
			return Errorf(EInvalid, "calendar: watch %d needs a name of 1 to %d characters", i+1, MaxWatchNameChars)
		}
		if seen[w.Name] {
			return Errorf(EInvalid, "calendar: two watches are called %q", w.Name)
		}
		seen[w.Name] = true
		if w.Hours < 1 || w.Hours > 24 {
			return Errorf(EInvalid, "calendar: watch %q lasts 1 to 24 hours", w.Name)
		}
		total += w.Hours
	}
	if total != 24 {
		return Errorf(EInvalid, "calendar: the watches last %d hours in all; a day has 24", total)
	}
	return nil
}

// ClockTime is a moment of a party's clock as the table reads it.
type ClockTime struct {
	Day       int    `json:"day"`       // 1-based
	Watch     int    `json:"watch"`     // 0-based index into the calendar's watches
	WatchName string `json:"watchName"` // the watch's name
	Hour      int    `json:"hour"`      // the time of day, 0–23
	Minute    int    `json:"minute"`    // 0–59
}

// String reads "day 2, Morning (06:40)".
func (t ClockTime) String() string {
	return fmt.Sprintf("day %d, %s (%02d:%02d)", t.Day, t.WatchName, t.Hour, t.Minute)
}

// At reads the clock at minutes since the campaign's start (negative counts as 0).
func (c Calendar) At(minutes int) ClockTime {
	minutes = max(0, minutes)
	day, into := minutes/MinutesPerDay, minutes%MinutesPerDay
	w, _ := c.watchAt(into)
	clock := (c.FirstWatchStarts*60 + into) % MinutesPerDay
	return ClockTime{Day: day + 1, Watch: w, WatchName: c.Watches[w].Name, Hour: clock / 60, Minute: clock % 60}
}

// watchAt finds the watch holding minute `into` of a day and the minute it starts.
func (c Calendar) watchAt(into int) (index, start int) {
	for i, w := range c.Watches {
		end := start + w.Hours*60
		if into < end {
			return i, start
		}
		start = end
	}
	return len(c.Watches) - 1, start - c.Watches[len(c.Watches)-1].Hours*60
}

// WatchStart is the minute the watch holding `minutes` began.
func (c Calendar) WatchStart(minutes int) int {
	minutes = max(0, minutes)
	_, start := c.watchAt(minutes % MinutesPerDay)
	return minutes - minutes%MinutesPerDay + start
}

// WatchMinutes is the length of the watch holding `minutes`.
func (c Calendar) WatchMinutes(minutes int) int {
	w, _ := c.watchAt(max(0, minutes) % MinutesPerDay)
	return c.Watches[w].Hours * 60
}

// NextWatch is the first watch start strictly after `minutes`.
func (c Calendar) NextWatch(minutes int) int {
	return c.WatchStart(minutes) + c.WatchMinutes(minutes)
}

// NextDay is the first start of a day (its first watch) strictly after `minutes`.
func (c Calendar) NextDay(minutes int) int {
	minutes = max(0, minutes)
	return minutes - minutes%MinutesPerDay + MinutesPerDay
}

// IsDayStart reports whether `minutes` is the start of a day's first watch.
func IsDayStart(minutes int) bool { return minutes%MinutesPerDay == 0 }
