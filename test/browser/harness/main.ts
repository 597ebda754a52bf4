// The public browser API, as a bundled app sees it, handed to the tests.
import * as anime2d from "anime2d";

(globalThis as unknown as { anime2d: typeof anime2d }).anime2d = anime2d;
document.title = "ready";
