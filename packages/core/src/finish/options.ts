import type { ColorMode } from "./color.js";
import type { UpscalerId } from "./upscale.js";

/** Finishing options of `stylize()`: colour correction, then an optional 2× upscale. */
export interface FinishOptions {
  /**
   * Colour of the result: `"model"` (as generated), `"match"` (brightness matched to the
   * photo) or `"preserve"` (the photo's colours under the style's shading). Default: per
   * style, see `defaultColorMode()` and docs/finishing.md.
   */
  color?: ColorMode;
  /** `2` returns a 2W × 2H result; default `1`. */
  upscale?: 1 | 2;
  /** Which 2× upscaler (used when `upscale` is 2); default `"waifu2x"`. */
  upscaler?: UpscalerId;
}
