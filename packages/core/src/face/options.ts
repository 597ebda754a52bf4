import type { StyleId } from "../style-id.js";

/** How `stylize()` treats faces; see {@link FaceOptions.face}. */
export type FaceMode = "off" | "auto" | "avatar";

/** What the face pass pastes faces onto; see {@link FaceOptions.background}. */
export type FaceBackground = "stylize" | "keep";

/** Face-mode options of `stylize()` (see the face module and docs/face-mode.md). */
export interface FaceOptions {
  /**
   * - `"off"`: the whole image in one pass.
   * - `"auto"`: the whole image, then each detected face stylized on an aligned 512×512 crop
   *   and pasted back through a feathered mask; a photo without faces gives the whole-image result.
   * - `"avatar"`: only the largest face, as an upright, centred `avatarSize²` crop (the output
   *   is square and RGB, whatever the input's size); `NO_FACE` when there is none.
   *
   * Default: `"auto"` for portrait styles (registry `portrait: true`, e.g. `cute`), else `"off"`.
   */
  face?: FaceMode;
  /** Style for the face crops (default: the image's `style`). */
  faceStyle?: StyleId;
  /** `"stylize"` (default): faces pasted onto the stylized image; `"keep"`: onto the original photo. */
  background?: FaceBackground;
  /** Side of the `"avatar"` output in pixels, 64..2048 (default 512). */
  avatarSize?: number;
  /** Lowest detector confidence treated as a face, 0..1 (default 0.8). */
  minFaceScore?: number;
  /** Most faces stylized in `"auto"` mode, the largest first (default 16). */
  maxFaces?: number;
}
