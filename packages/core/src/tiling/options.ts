/** An explicit tile geometry for `stylize()`'s `tile` option. */
export interface TileSpec {
  /** Tile side in input pixels; rounded up to the model's size multiple (default 256). */
  size?: number;
  /** Least overlap between neighbouring tiles in input pixels (default 32). */
  overlap?: number;
  /**
   * Normalise every tile with the whole image's feature statistics, measured once on a
   * full-resolution mosaic of the image (default true for style generators, whose
   * instance/layer norms otherwise give every tile its own tone; off for 2× upscalers).
   */
  harmonise?: boolean;
}

/** Tiling options of `stylize()` (see the tiling module and docs/tiling.md). */
export interface TileOptions {
  /**
   * `"auto"` (default): images up to `tilePixels` run whole, larger ones are cut into
   * overlapping tiles. `false`: always whole (needs memory in proportion to the image).
   * A {@link TileSpec}: always tile with that geometry.
   */
  tile?: "auto" | false | TileSpec;
  /** Largest image, in pixels, that `tile: "auto"` runs whole (default 1 MP: 1_048_576). */
  tilePixels?: number;
}
