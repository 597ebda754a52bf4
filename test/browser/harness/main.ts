// The public browser API, as a bundled app sees it (the build maps @anime2d/web to dist/web), handed to the tests with a few helpers.
import * as anime2d from "@anime2d/web";
// WebGPU is opt-in; the harness offers it (tests without a GPU see the logged fallback, bench:web uses it).
import "@anime2d/webgpu";
// For tests that decode the library's video output back in the page.
import * as mediabunny from "mediabunny";

/** Pixels as JSON-friendly base64, so large images cross to the test quickly. */
function pixels(image: { data: Uint8ClampedArray | Uint8Array; width: number; height: number; channels: number }) {
  let s = "";
  const bytes = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length);
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { width: image.width, height: image.height, channels: image.channels, data: btoa(s) };
}

Object.assign(globalThis, { anime2d, pixels, mediabunny });
document.title = "ready";
