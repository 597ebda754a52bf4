/**
 * Global settings for model location and caching, in the spirit of transformers.js's `env`.
 * Adapters fill the defaults (Node reads `ANIME2D_MODEL_DIR`, `ANIME2D_MODEL_HOST`,
 * `ANIME2D_CACHE_DIR` and `ANIME2D_OFFLINE`); applications may change any field at run time.
 */
export interface Anime2dEnv {
  /** Folder (or base URL in browsers) holding model files by their registry file names. */
  modelDir: string | undefined;
  /**
   * Base URL of a host serving model files by file name, used for files with no byte-identical
   * upstream download. No default: anime2d's files are converted exports.
   */
  modelHost: string | undefined;
  /** Per-model overrides: model id → explicit path, URL or bytes. */
  models: Record<string, string | Uint8Array | ArrayBuffer>;
  /** Whether missing files may be downloaded. */
  allowRemoteModels: boolean;
  /** Whether downloaded files are kept in the cache. */
  useCache: boolean;
  /** Cache location (a folder in Node; the Cache API name in browsers). */
  cacheDir: string | undefined;
  /** Largest input accepted, in pixels, checked from the header before decoding. */
  maxInputPixels: number;
  /** Largest encoded input accepted, in bytes (files are read no further than this). */
  maxInputBytes: number;
}

/** The shared settings object. */
export const env: Anime2dEnv = {
  modelDir: undefined,
  modelHost: undefined,
  models: {},
  allowRemoteModels: true,
  useCache: true,
  cacheDir: undefined,
  maxInputPixels: 100_000_000,
  maxInputBytes: 256 * 1024 * 1024,
};
