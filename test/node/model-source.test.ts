import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createStylizer, env, listStyles, registerStyle, type ProgressEvent, type StyleId } from "@anime2d/node";
import { MODEL_DIR, photo } from "../fixtures/paths.js";
import { useModelHost } from "../fixtures/model-host.js";

const FILE = "animeganv3-tiny-cute.onnx";
// The built-in "cute" names its byte-identical upstream URL, which wins over the host; a copy of
// its spec without that URL exercises the model-host path (this machine reaches no upstream).
registerStyle({ ...listStyles().find((s) => s.id === "cute")!, id: "cute-hosted", url: null, sources: [], portrait: false });
const modelBytes = readFileSync(join(MODEL_DIR, FILE));
// A loopback model host: serves the real file, an SPA-style HTML fallback, or a cut-off file.
const modelHost = useModelHost();


const saved = { ...env };
afterEach(() => Object.assign(env, saved));

/** Settings with no local model folder, downloads on, a fresh cache. */
function online(path: string): string {
  const cacheDir = mkdtempSync(join(tmpdir(), "anime2d-cache-"));
  Object.assign(env, { modelDir: undefined, allowRemoteModels: true, useCache: true, cacheDir, modelHost: `${modelHost.url}/${path}/` });
  return cacheDir;
}

async function run(stylizerOptions = {}) {
  const events: ProgressEvent[] = [];
  const stylizer = createStylizer({ style: "cute-hosted" as StyleId, ...stylizerOptions });
  try {
    return { out: await stylizer.stylize(photo("china.jpg"), { onProgress: (e) => events.push(e) }), events };
  } finally {
    await stylizer.dispose();
  }
}

describe("model resolution", () => {
  it("downloads from the model host into the cache, verified, with progress; then reuses the cache", async () => {
    const cacheDir = online("good");
    const first = await run();
    expect(first.out.width).toBe(640);
    expect(existsSync(join(cacheDir, FILE))).toBe(true);
    const download = first.events.filter((e) => e.stage === "download");
    expect(download.at(-1)).toMatchObject({ loaded: modelBytes.length, total: modelBytes.length });
    const count = modelHost.requests.length;
    await run();
    expect(modelHost.requests.length).toBe(count);
  });

  it("refuses an HTML answer (SPA fallback) with MODEL_INTEGRITY and caches nothing", async () => {
    const cacheDir = online("html");
    await expect(run()).rejects.toMatchObject({ code: "MODEL_INTEGRITY", message: expect.stringMatching(/HTML/) });
    expect(existsSync(join(cacheDir, FILE))).toBe(false);
  });

  it("refuses a truncated download", async () => {
    online("short");
    await expect(run()).rejects.toMatchObject({ code: "MODEL_INTEGRITY", message: expect.stringMatching(/1000 bytes/) });
  });

  it("reports a host error as MODEL_DOWNLOAD_FAILED", async () => {
    online("missing");
    await expect(run()).rejects.toMatchObject({ code: "MODEL_DOWNLOAD_FAILED", message: expect.stringMatching(/404/) });
  });

  it("never downloads when remote models are off", async () => {
    online("good");
    env.allowRemoteModels = false;
    const count = modelHost.requests.length;
    await expect(run()).rejects.toMatchObject({ code: "MODEL_NOT_FOUND", message: expect.stringMatching(/allowRemoteModels/) });
    expect(modelHost.requests.length).toBe(count);
  });

  it("takes explicit bytes, paths and URLs, and verifies them too", async () => {
    online("missing");
    expect((await run({ models: { "cute-hosted": new Uint8Array(modelBytes) } })).out.width).toBe(640);
    expect((await run({ models: { "cute-hosted": join(MODEL_DIR, FILE) } })).out.width).toBe(640);
    expect((await run({ models: { "cute-hosted": `${modelHost.url}/good/${FILE}` } })).out.width).toBe(640);
    await expect(run({ models: { "cute-hosted": join(MODEL_DIR, "animeganv3-hayao.onnx") } })).rejects.toMatchObject({ code: "MODEL_INTEGRITY" });
  });

  it("names the way out when no source is configured", async () => {
    online("good");
    env.modelHost = undefined;
    await expect(run({ style: "hayao" })).rejects.toMatchObject({ code: "MODEL_NOT_FOUND", message: expect.stringMatching(/ANIME2D_MODEL_DIR/) });
  });
});
