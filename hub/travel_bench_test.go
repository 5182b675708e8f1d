package hub

import (
	"testing"

	"github.com/hexcrawl/hexcrawl/game"
)

// BenchmarkTravelMove is BenchmarkPartyMove (bench_explore_test.go) with travel:move: the same
// map, sight, players and walk, measured the same way (the hub's CPU per step, every client in a
// child process), with the travel turn's work on top: the weather, the time of each step, a check
// for an encounter each watch and each hex entered, the party's clock written and the rolls in
// the event and the DM's frames. Navigation is "0 in 6" so the party never gets lost: a lost
// party's steps reveal nothing, which would make them cheaper than a move's and the comparison
// unfair. docs/benchmarks.md has the numbers.
//
//	go test -c -o /tmp/hub.test ./hub && cd hub &&
//	for i in 1 2 3 4 5; do /tmp/hub.test -test.run '^$' -test.bench 'PartyMove|TravelMove' -test.benchtime 1000x; done
func BenchmarkTravelMove(b *testing.B) {
	rules := game.DefaultTravelRules()
	rules.Encounters.Points = game.EncounterPoints{Watch: true, Hex: true}
	for t := range rules.Navigation {
		rules.Navigation[t] = game.Chance{In: 0, Of: 6}
	}
	for t := range rules.Encounters.Chance {
		// Rolled at every check, rarely hitting: the DM answers prompts, which must not pile up.
		rules.Encounters.Chance[t] = game.Chance{In: 1, Of: 100}
	}
	benchMoves(b, "travel:move", string(mustJSON(map[string]any{"type": "travel:rules", "rules": rules})))
}
