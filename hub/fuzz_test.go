package hub

import (
	"strings"
	"testing"

	"github.com/hexcrawl/hexcrawl/game"
)

// FuzzSession drives a real hub (real sockets, real SQLite file) with DM messages the fuzzer
// writes, one per line (a line "@ana {…}" is sent by that player, so pings and notes are in it too;
// a read-only table screen watches the default party and another everyone); $ANA, $BO and $CY stand for the players' ids, $P0… for parties and $M0…
// for markers (in the order the DM first hears of them), so every message can reach real
// targets. After each input it checks the fog as a property, whatever the messages did
// (table.check):
//
//   - no player frame carries DM-only fields, a label or marker on a hex they only glimpsed, or
//     another party's token off their explored hexes;
//   - every reply to a refused message is an error with a known code and a message;
//   - what each player built from their deltas equals the full state a fresh connection of
//     theirs gets now, which equals what the DM's state says they know (all, their party, their
//     own), and the DM's state is what the database holds.
//
// `go test` runs the seeds below; `go test ./hub -run '^$' -fuzz FuzzSession -fuzztime 2m`
// explores further.
func FuzzSession(f *testing.F) {
	for _, seed := range []string{
		`{"type":"session:start"}` + "\n" + `{"type":"hex:reveal","hexKeys":["0,0","1,0"],"targets":"all"}`,
		`{"type":"hex:update","changes":[{"key":"2,2","terrain":"forest","label":"Wood","notes":"secret"}]}` + "\n" +
			`{"type":"session:start"}` + "\n" + `{"type":"hex:reveal","hexKeys":["2,2"],"targets":{"playerIds":["$ANA"]},"state":"glimpsed"}` + "\n" +
			`{"type":"hex:update","changes":[{"key":"2,2","terrain":"hills","label":""}]}`,
		`{"type":"session:start"}` + "\n" + `{"type":"party:place","partyId":"$P0","key":"3,3","reveal":true}` + "\n" +
			`{"type":"party:create","name":"Scouts","color":"#3070c0","playerIds":["$BO"]}` + "\n" +
			`{"type":"party:move","partyId":"$P1","path":["4,3","5,3"]}` + "\n" +
			`{"type":"party:move","partyId":"$P0","path":["3,4"]}` + "\n" +
			`{"type":"hex:hide","hexKeys":["3,3"],"targets":{"playerIds":["$ANA"]}}` + "\n" +
			`{"type":"party:merge","partyId":"$P1","intoId":"$P0"}` + "\n" + `{"type":"party:undo","partyId":"$P0"}`,
		`{"type":"session:start"}` + "\n" + `{"type":"party:place","partyId":"$P0","key":"1,1","reveal":true}` + "\n" +
			`{"type":"marker:place","key":"1,1","kind":"camp","label":"Camp","visibility":"players"}` + "\n" +
			`{"type":"party:assign","partyId":null,"playerIds":["$CY"]}` + "\n" +
			`{"type":"marker:update","markerId":"$M0","key":"2,1","visibility":"dm"}` + "\n" + `{"type":"party:move","partyId":"$P0","path":["2,1"]}` + "\n" +
			`{"type":"marker:update","markerId":"$M0","visibility":"players"}` + "\n" + `{"type":"marker:remove","markerId":"$M0"}`,
		`{"type":"session:start"}` + "\n" + `{"type":"broadcast:mode","mode":"staged"}` + "\n" +
			`{"type":"party:place","partyId":"$P0","key":"4,4","reveal":true}` + "\n" + `{"type":"party:move","partyId":"$P0","path":["4,5"]}` + "\n" +
			`{"type":"hex:reveal","hexKeys":["4,4"],"targets":{"partyIds":["$P0"]},"state":"glimpsed"}` + "\n" + `{"type":"hex:fill","key":"0,0","terrain":"hills"}` + "\n" +
			`{"type":"sight:rules","rules":{"":{"sight":3,"height":0,"landmark":0}}}` + "\n" + `{"type":"broadcast:publish"}`,
		`{"type":"session:start"}` + "\n" + `{"type":"hex:reveal","hexKeys":["0,0"],"targets":"all","state":"glimpsed"}` + "\n" +
			`{"type":"hex:hide","hexKeys":["0,0"],"targets":{"partyIds":["$P0"]}}` + "\n" + `{"type":"session:pause"}` + "\n" + `{"type":"session:end"}`,
		`{"type":"session:start"}` + "\n" + `{"type":"party:place","partyId":"$P0","key":"3,1","reveal":true}` + "\n" +
			`{"type":"travel:rules","rules":{"navigation":{"forest":"6 in 6","plains":"3 in 6"},"encounters":{"points":{"watch":true,"hex":true,"rest":true},"chance":{"forest":"3 in 6","plains":"2 in 6"},"tables":{}}}}` + "\n" +
			`{"type":"party:create","name":"Scouts","color":"#3070c0","playerIds":["$BO"]}` + "\n" +
			`{"type":"party:move","partyId":"$P1","path":["4,2","4,1"]}` + "\n" +
			`{"type":"travel:move","partyId":"$P0","path":["4,2","4,3"]}` + "\n" + `{"type":"party:undo","partyId":"$P0"}` + "\n" +
			`{"type":"travel:move","partyId":"$P0","path":["4,2"]}` + "\n" + `{"type":"weather:set","partyId":"$P0","shared":false}` + "\n" +
			`{"type":"travel:camp","partyId":"$P1"}` + "\n" + `{"type":"travel:found","partyId":"$P0"}` + "\n" +
			`{"type":"party:merge","partyId":"$P1","intoId":"$P0"}` + "\n" + `{"type":"travel:advance","partyId":"$P0","watches":3}`,
		// Players' lines ("@ana …"): pings and notes, shared and private, across a hide and a merge.
		`{"type":"session:start"}` + "\n" + `{"type":"hex:reveal","hexKeys":["1,1","2,1"],"targets":"all"}` + "\n" +
			`{"type":"hex:reveal","hexKeys":["3,3"],"targets":{"playerIds":["$ANA"]}}` + "\n" + `{"type":"party:create","name":"Scouts","color":"#3070c0","playerIds":["$BO"]}` + "\n" +
			`@ana {"type":"note:set","key":"1,1","text":"gold","shared":true}` + "\n" + `@cy {"type":"note:set","key":"2,1","text":"mine","shared":false}` + "\n" +
			`@bo {"type":"note:set","key":"1,1","text":"scouts","shared":true}` + "\n" + `@ana {"type":"hex:ping","key":"1,1"}` + "\n" +
			`@bo {"type":"hex:ping","key":"5,5"}` + "\n" + `{"type":"hex:ping","key":"2,1","targets":{"partyIds":["$P1"]}}` + "\n" +
			`{"type":"hex:hide","hexKeys":["1,1"],"targets":{"playerIds":["$CY"]}}` + "\n" + `@ana {"type":"hex:ping","key":"3,3"}` + "\n" + `@cy {"type":"note:remove","key":"2,1"}` + "\n" +
			`{"type":"party:merge","partyId":"$P1","intoId":"$P0"}` + "\n" + `@bo {"type":"note:set","key":"1,1","text":"together","shared":true}`,
		`not json` + "\n" + `{"type":"hex:reveal","hexKeys":["99,99"],"targets":"all"}` + "\n" + `{"type":"nope"}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		lines := strings.Split(input, "\n")
		if len(lines) > 16 || len(input) > 4096 {
			t.Skip("keep inputs small: the fog property does not need long ones")
		}
		tb := newTable(t, "Ana", "Bo", "Cy")
		for _, line := range lines {
			tb.send(line)
		}
		tb.check("the input")
		select {
		case <-tb.dm.closed:
			t.Fatalf("the DM's socket closed (%d)", tb.dm.code)
		default:
		}
	})
}

func knownErrorCode(c game.ErrorCode) bool {
	switch c {
	case game.EMalformed, game.EUnknownType, game.EInvalid, game.EForbidden, game.ENotFound, game.EConflict, game.EUnauth, game.EGone, game.EInternal, game.ERateLimited:
		return true
	}
	return false
}
