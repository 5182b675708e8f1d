package game

// FloodFill returns the connected region of hexes around start that share start's terrain,
// start included. terrainAt gives the terrain of an on-map hex. The region is found breadth
// first, so it is bounded by the map and costs O(region).
func FloodFill(size Size, o Orientation, start Key, terrainAt func(Key) Terrain) []Key {
	if !size.Contains(start) {
		return nil
	}
	want := terrainAt(start)
	seen := make([]bool, size.Cells())
	seen[size.Index(start)] = true
	region := []Key{start}
	for i := 0; i < len(region); i++ {
		for _, n := range size.Neighbors(o, region[i]) {
			idx := size.Index(n)
			if seen[idx] || terrainAt(n) != want {
				continue
			}
			seen[idx] = true
			region = append(region, n)
		}
	}
	return region
}
