package game

import (
	"strings"
	"testing"
)

func TestCalendarAt(t *testing.T) {
	def := DefaultCalendar()
	twoWatches := Calendar{FirstWatchStarts: 7, Watches: []Watch{{"Day", 14}, {"Night", 10}}}
	cases := []struct {
		cal     Calendar
		minutes int
		want    string
		watch   int
	}{
		{def, 0, "day 1, Morning (06:00)", 0},
		{def, 239, "day 1, Morning (09:59)", 0},
		{def, 240, "day 1, Midday (10:00)", 1},
		{def, 1080, "day 1, Night (00:00)", 4},
		{def, 1439, "day 1, Small hours (05:59)", 5},
		{def, 1440, "day 2, Morning (06:00)", 0},
		{def, 10*1440 + 725, "day 11, Evening (18:05)", 3},
		{def, -5, "day 1, Morning (06:00)", 0},
		{twoWatches, 0, "day 1, Day (07:00)", 0},
		{twoWatches, 14*60 - 1, "day 1, Day (20:59)", 0},
		{twoWatches, 14 * 60, "day 1, Night (21:00)", 1},
		{twoWatches, 1440 + 14*60 + 300, "day 2, Night (02:00)", 1},
	}
	for _, tc := range cases {
		got := tc.cal.At(tc.minutes)
		if got.String() != tc.want || got.Watch != tc.watch {
			t.Errorf("At(%d) = %s (watch %d), want %s (watch %d)", tc.minutes, got, got.Watch, tc.want, tc.watch)
		}
	}
}

func TestCalendarBoundaries(t *testing.T) {
	def := DefaultCalendar()
	uneven := Calendar{Watches: []Watch{{"A", 2}, {"B", 10}, {"C", 12}}}
	cases := []struct {
		cal                         Calendar
		minutes                     int
		start, length, next, nextDy int
	}{
		{def, 0, 0, 240, 240, 1440},
		{def, 100, 0, 240, 240, 1440},
		{def, 240, 240, 240, 480, 1440},
		{def, 1439, 1200, 240, 1440, 1440},
		{def, 1440, 1440, 240, 1680, 2880},
		{uneven, 119, 0, 120, 120, 1440},
		{uneven, 120, 120, 600, 720, 1440},
		{uneven, 800, 720, 720, 1440, 1440},
		{uneven, 1440 + 130, 1440 + 120, 600, 1440 + 720, 2880},
	}
	for _, tc := range cases {
		if got := tc.cal.WatchStart(tc.minutes); got != tc.start {
			t.Errorf("WatchStart(%d) = %d, want %d", tc.minutes, got, tc.start)
		}
		if got := tc.cal.WatchMinutes(tc.minutes); got != tc.length {
			t.Errorf("WatchMinutes(%d) = %d, want %d", tc.minutes, got, tc.length)
		}
		if got := tc.cal.NextWatch(tc.minutes); got != tc.next {
			t.Errorf("NextWatch(%d) = %d, want %d", tc.minutes, got, tc.next)
		}
		if got := tc.cal.NextDay(tc.minutes); got != tc.nextDy {
			t.Errorf("NextDay(%d) = %d, want %d", tc.minutes, got, tc.nextDy)
		}
	}
}

func TestCalendarValidate(t *testing.T) {
	if err := DefaultCalendar().Validate(); err != nil {
		t.Fatal(err)
	}
	w := func(name string, hours int) Watch { return Watch{Name: name, Hours: hours} }
	cases := []struct {
		cal Calendar
		why string
	}{
		{Calendar{}, "1 to 24 watches"},
		{Calendar{Watches: []Watch{w("A", 12), w("B", 11)}}, "the watches last 23 hours in all; a day has 24"},
		{Calendar{Watches: []Watch{w("A", 12), w("B", 13)}}, "25 hours"},
		{Calendar{Watches: []Watch{w("A", 12), w("A", 12)}}, `two watches are called "A"`},
		{Calendar{Watches: []Watch{w("A", 24), w("B", 0)}}, `watch "B" lasts 1 to 24 hours`},
		{Calendar{Watches: []Watch{w("", 24)}}, "watch 1 needs a name"},
		{Calendar{Watches: []Watch{w(strings.Repeat("x", 25), 24)}}, "watch 1 needs a name of 1 to 24"},
		{Calendar{FirstWatchStarts: 24, Watches: []Watch{w("A", 24)}}, "hour from 0 to 23"},
		{Calendar{FirstWatchStarts: -1, Watches: []Watch{w("A", 24)}}, "hour from 0 to 23"},
	}
	for _, tc := range cases {
		err := tc.cal.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.why) || CodeOf(err) != EInvalid {
			t.Errorf("%+v: got %v, want an invalid error saying %q", tc.cal, err, tc.why)
		}
	}
}
