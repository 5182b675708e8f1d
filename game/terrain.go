package game

// Terrain is what a hex is painted with. The empty string is "unpainted".
type Terrain string

// The usual hex-crawl set. Codes are stored and sent on the wire: append only.
const (
	Unpainted  Terrain = ""
	Plains     Terrain = "plains"
	Forest     Terrain = "forest"
	Hills      Terrain = "hills"
	Mountains  Terrain = "mountains"
	Swamp      Terrain = "swamp"
	Desert     Terrain = "desert"
	Water      Terrain = "water"
	Coast      Terrain = "coast"
	Tundra     Terrain = "tundra"
	Jungle     Terrain = "jungle"
	Settlement Terrain = "settlement"
	Ruins      Terrain = "ruins"
)

// FogCode marks a hex the client may not see in a compact grid.
const FogCode byte = '?'

var terrainCodes = map[Terrain]byte{
	Unpainted: '.', Plains: 'p', Forest: 'f', Hills: 'h', Mountains: 'm', Swamp: 's',
	Desert: 'd', Water: 'w', Coast: 'c', Tundra: 't', Jungle: 'j', Settlement: 'v', Ruins: 'r',
}

var codeTerrains = func() [256]Terrain {
	var out [256]Terrain
	for t, c := range terrainCodes {
		out[c] = t
	}
	return out
}()

// Terrains lists every paintable terrain in palette order.
var Terrains = []Terrain{Plains, Forest, Hills, Mountains, Swamp, Desert, Water, Coast, Tundra, Jungle, Settlement, Ruins}

// Valid reports whether t is known (including Unpainted).
func (t Terrain) Valid() bool {
	_, ok := terrainCodes[t]
	return ok
}

// Code is t's one-byte compact-grid code. t must be valid.
func (t Terrain) Code() byte { return terrainCodes[t] }

// TerrainFromCode maps a compact-grid code back to its terrain.
func TerrainFromCode(c byte) (Terrain, bool) {
	if c == '.' {
		return Unpainted, true
	}
	t := codeTerrains[c]
	return t, t != ""
}
