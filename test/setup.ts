// Tests use the real models beside the repository and never download anything.
import { fileURLToPath } from "node:url";

process.env.ANIME2D_MODEL_DIR ??= fileURLToPath(new URL("../../shared/models", import.meta.url));
process.env.ANIME2D_OFFLINE = "1";
