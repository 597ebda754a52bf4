/** The finish module: colour correction and preservation, 2× upscale, core Lanczos-3. */
export * from "./options.js";
export * from "./lanczos.js";
export * from "./color-space.js";
export * from "./color.js";
export * from "./color-defaults.js";
export * from "./upscale.js";
export * from "./finish.js";
export * from "./upscale-api.js";
