/** Tiling options of `stylize()` (see the tiling module). */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface TileOptions {}
