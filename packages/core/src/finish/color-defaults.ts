import { Anime2dError } from "../errors.js";
import { COLOR_MODES, type ColorMode } from "./color.js";

/**
 * Default colour mode per built-in style, chosen by looking at every style's outputs on the
 * test photos (docs/finishing.md shows them). Two generators cast one colour over the whole
 * picture, which reads as a fault rather than a style: AnimeGANv2 Hayao turns hair and
 * foliage green and orange cloth pink, CartoonGAN Paprika washes everything sepia. They keep
 * the photo's colours. The others' palettes are their style; `"match"` is never a default
 * because brightening the darker styles (cute) blows out skies.
 */
const STYLE_COLOR_DEFAULTS: Readonly<Record<string, ColorMode>> = {
  "hayao-v2": "preserve",
  "cartoongan-paprika": "preserve",
};

/** The colour mode a style uses when the caller gives none. */
export function defaultColorMode(style: string): ColorMode {
  return STYLE_COLOR_DEFAULTS[style] ?? "model";
}

/** Validates a `color` option, falling back to the style's default; throws `INVALID_OPTION`. */
export function resolveColorMode(color: unknown, style: string): ColorMode {
  if (color === undefined) return defaultColorMode(style);
  if (!COLOR_MODES.includes(color as ColorMode)) {
    throw new Anime2dError("INVALID_OPTION", `color must be one of ${COLOR_MODES.join(", ")}, got ${JSON.stringify(color)}.`);
  }
  return color as ColorMode;
}
