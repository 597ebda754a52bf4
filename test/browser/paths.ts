import { fileURLToPath } from "node:url";
import { join, resolve } from "node:path";

/** Repository root. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The real models (ANIME2D_MODEL_DIR, else the shared folder beside the repository). */
export const MODEL_DIR = resolve(process.env.ANIME2D_MODEL_DIR ?? join(ROOT, "../shared/models"));
/** The shared test photos. */
export const PHOTO_DIR = resolve(process.env.ANIME2D_PHOTO_DIR ?? join(ROOT, "../shared/photos"));
/** ONNX Runtime Web's files. */
export const ORT_DIR = join(ROOT, "node_modules/onnxruntime-web/dist");
/** Where tests write builds and screenshots (git-ignored). */
export const TEST_OUTPUT = join(ROOT, "test-output");
