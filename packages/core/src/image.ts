import { Anime2dError } from "./errors.js";

/**
 * Decoded pixels, row-major and interleaved (`RGBRGB…` or `RGBARGBA…`), 8 bits per channel.
 */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 3 | 4;
}

/**
 * The structural part of an [ndarray](https://github.com/scijs/ndarray) that anime2d reads:
 * shape `[height, width, channels]` with 3 or 4 channels of 0..255 values, any strides.
 * Typed structurally so the core never imports ndarray (its constructors compile code with
 * `new Function`, which a strict Content-Security-Policy forbids).
 */
export interface NdarrayLike {
  data: ArrayLike<number>;
  shape: number[];
  stride: number[];
  offset: number;
}

/** True when `value` looks like an ndarray (data, shape, stride, offset). */
export function isNdarrayLike(value: unknown): value is NdarrayLike {
  const v = value as NdarrayLike;
  return (
    typeof v === "object" && v !== null &&
    Array.isArray(v.shape) && Array.isArray(v.stride) &&
    typeof v.offset === "number" && v.data != null && typeof (v.data as ArrayLike<number>).length === "number"
  );
}

/** True when `value` looks like a {@link RawImage}. */
export function isRawImage(value: unknown): value is RawImage {
  const v = value as RawImage;
  return (
    typeof v === "object" && v !== null && !isNdarrayLike(v) &&
    (v.data instanceof Uint8Array || v.data instanceof Uint8ClampedArray) &&
    typeof v.width === "number" && typeof v.height === "number" && typeof v.channels === "number"
  );
}

/** Throws `INVALID_INPUT` unless the image's fields agree with each other. */
export function assertValidRawImage(image: RawImage): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Anime2dError("INVALID_INPUT", `Image size must be positive integers, got ${width}×${height}.`);
  }
  if (channels !== 3 && channels !== 4) {
    throw new Anime2dError("INVALID_INPUT", `Images must have 3 (RGB) or 4 (RGBA) channels, got ${channels}.`);
  }
  if (data.length !== width * height * channels) {
    throw new Anime2dError(
      "INVALID_INPUT",
      `Pixel buffer holds ${data.length} values; ${width}×${height}×${channels} needs ${width * height * channels}.`,
    );
  }
}

/**
 * Throws `INVALID_INPUT` unless every element an ndarray view addresses lies inside its data:
 * shape `[height, width, 3|4]` of positive integers, integer strides and offset, 8-bit data.
 * Checked before any read, so a short buffer or a stray offset never becomes a black image.
 */
export function assertValidNdarray(array: NdarrayLike): void {
  const { shape, stride, offset, data } = array;
  if (shape.length !== 3 || !shape.every((n) => Number.isInteger(n) && n >= 1) || (shape[2] !== 3 && shape[2] !== 4)) {
    throw new Anime2dError("INVALID_INPUT", `An ndarray input must have shape [height, width, 3|4] of positive integers, got [${shape}].`);
  }
  if (stride.length !== 3 || !stride.every(Number.isInteger) || !Number.isInteger(offset)) {
    throw new Anime2dError("INVALID_INPUT", `An ndarray input needs 3 integer strides and an integer offset, got stride [${stride}], offset ${offset}.`);
  }
  const dtype = (data as object).constructor?.name;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray || Array.isArray(data))) {
    throw new Anime2dError(
      "INVALID_INPUT",
      `An ndarray input must hold 8-bit values (Uint8Array, Uint8ClampedArray or an Array of 0..255), got ${dtype}; ` +
        `float data is ambiguous (0..1 or 0..255): scale it to 0..255 and convert to Uint8ClampedArray.`,
    );
  }
  // The lowest and highest index the view reaches: each axis adds (n - 1) × stride to one end.
  let low = offset, high = offset;
  for (let d = 0; d < 3; d++) {
    const reach = (shape[d] - 1) * stride[d];
    if (reach < 0) low += reach;
    else high += reach;
  }
  if (low < 0 || high >= data.length) {
    throw new Anime2dError(
      "INVALID_INPUT",
      `The ndarray view (shape [${shape}], stride [${stride}], offset ${offset}) reaches indices ${low}..${high}, outside its data of length ${data.length}.`,
    );
  }
}

/** Copies a `[height, width, 3|4]` ndarray (any strides) into a packed {@link RawImage}. */
export function ndarrayToRawImage(array: NdarrayLike): RawImage {
  assertValidNdarray(array);
  const [height, width, channels] = array.shape as [number, number, 3 | 4];
  const [sy, sx, sc] = array.stride;
  const src = array.data;
  const checkValues = Array.isArray(src);
  const out = new Uint8ClampedArray(height * width * channels);
  let o = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const base = array.offset + y * sy + x * sx;
      for (let c = 0; c < channels; c++) {
        const v = src[base + c * sc];
        if (checkValues && !(v >= 0 && v <= 255)) {
          throw new Anime2dError("INVALID_INPUT", `An ndarray input holds ${v} at [${y}, ${x}, ${c}]; values must be numbers from 0 to 255.`);
        }
        out[o++] = v;
      }
    }
  }
  return { data: out, width, height, channels };
}

/** The colour part of an image and, when present, its alpha plane. */
export interface SplitImage {
  rgb: Uint8ClampedArray;
  alpha: Uint8ClampedArray | undefined;
  width: number;
  height: number;
}

/** Separates RGB from alpha: models see colour only, alpha is re-attached to the output. */
export function splitAlpha(image: RawImage): SplitImage {
  const { width, height, channels, data } = image;
  const n = width * height;
  if (channels === 3) {
    const rgb = data instanceof Uint8ClampedArray ? data : new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
    return { rgb, alpha: undefined, width, height };
  }
  const rgb = new Uint8ClampedArray(n * 3);
  const alpha = new Uint8ClampedArray(n);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    rgb[i * 3] = data[j];
    rgb[i * 3 + 1] = data[j + 1];
    rgb[i * 3 + 2] = data[j + 2];
    alpha[i] = data[j + 3];
  }
  return { rgb, alpha, width, height };
}

/** Inverse of {@link splitAlpha}. */
export function joinAlpha(rgb: Uint8ClampedArray, alpha: Uint8ClampedArray | undefined, width: number, height: number): RawImage {
  if (!alpha) return { data: rgb, width, height, channels: 3 };
  const n = width * height;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    out[j] = rgb[i * 3];
    out[j + 1] = rgb[i * 3 + 1];
    out[j + 2] = rgb[i * 3 + 2];
    out[j + 3] = alpha[i];
  }
  return { data: out, width, height, channels: 4 };
}

/**
 * An RGB image plane used between pipeline stages: packed `RGBRGB…`, 8-bit.
 */
export interface RgbImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}
