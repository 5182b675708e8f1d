package hub

import (
	"testing"
)

// The party token leaves the map with key null, at once or through the staged list, and a
// player who saw it is told it is gone.
func TestTokenLeavesTheMap(t *testing.T) {
	th := newTestHub(t)
	cookie, _ := th.join("Ana")
	dm := th.dm("dm")
	p := th.player("Ana", cookie)
	dm.send(`{"type":"session:start"}`)
	dm.expectNonPresence(msgStatusChanged)
	p.expectNonPresence(msgStatusChanged)
	dm.send(`{"type":"hex:reveal","hexKeys":["1,1"],"targets":"all"}`)
	dm.expectNonPresence(msgHexRevealed)
	p.expectNonPresence(msgHexRevealed)
	tokenKey := func(c *wsClient) *string {
		t.Helper()
		return decode[tokenMovedMsg](t, c.expectNonPresence(msgTokenMoved)).Key
	}
	for _, mode := range []string{"immediate", "staged"} {
		dm.send(`{"type":"token:move","key":"1,1"}`)
		if k := tokenKey(dm); k == nil || *k != "1,1" {
			t.Fatalf("%s: the DM's token at %v", mode, k)
		}
		if k := tokenKey(p); k == nil || *k != "1,1" {
			t.Fatalf("%s: the player's token at %v", mode, k)
		}
		if mode == "staged" {
			dm.send(`{"type":"broadcast:mode","mode":"staged"}`)
			dm.expectNonPresence(msgModeChanged)
			dm.send(`{"type":"token:move","key":null}`)
			dm.expectNonPresence(msgStagedChanged)
			p.expectNonPresence(msgDMPreparing)
			dm.send(`{"type":"broadcast:publish"}`)
			p.expectNonPresence(msgDMPreparing) // the list is empty again
		} else {
			dm.send(`{"type":"token:move","key":null}`)
		}
		if k := tokenKey(dm); k != nil {
			t.Fatalf("%s: the DM's token still at %s", mode, *k)
		}
		if k := tokenKey(p); k != nil {
			t.Fatalf("%s: the player's token still at %s", mode, *k)
		}
	}
}
