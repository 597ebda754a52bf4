import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listModels } from "@anime2d/node";
import { MODEL_DIR } from "../fixtures/paths.js";
import { DIST, lastJson, runScript } from "./child.js";

const spec = listModels("style").find((m) => m.id === "hayao")!;
const model = readFileSync(join(MODEL_DIR, spec.file));
const tmp = mkdtempSync(join(tmpdir(), "anime2d-cache-"));
let server: Server;
let host = "";
let requests = 0;

// Serves the model slowly (64 KiB every 20 ms, ~1.3 s) so concurrent downloads overlap; every
// third request is cut off half-way, like a dropped connection.
beforeAll(async () => {
  server = createServer((req, res) => {
    if (!req.url?.endsWith(spec.file)) return void res.writeHead(404).end();
    const broken = ++requests % 3 === 0;
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(model.length) });
    let at = 0;
    const send = () => {
      if (broken && at >= model.length / 2) return void res.destroy();
      if (at >= model.length) return void res.end();
      res.write(model.subarray(at, (at += 65536)));
      setTimeout(send, 20);
    };
    send();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(tmp, { recursive: true, force: true });
});

// Each process runs two stylizers at once (separate pools), so the same file is also fetched
// twice within one process: writers that share a process id must not share a temporary name.
const child = (cacheDir: string) =>
  runScript(
    `const a = await import(${JSON.stringify(DIST)});
     const image = { data: new Uint8Array(32 * 32 * 3).fill(128), width: 32, height: 32, channels: 3 };
     const one = async () => {
       const stylizer = a.createStylizer({ style: "hayao", threads: 1 });
       try { await stylizer.stylize(image); return { ok: true }; }
       catch (e) { return { code: e.code ?? String(e) }; }
       finally { await stylizer.dispose(); }
     };
     console.log(JSON.stringify(await Promise.all([one(), one()])));`,
    { timeoutMs: 120_000, env: { ANIME2D_MODEL_DIR: "", ANIME2D_OFFLINE: "0", ANIME2D_MODEL_HOST: host, ANIME2D_CACHE_DIR: cacheDir } },
  );

describe("model cache: concurrent downloads never leave a corrupt file", () => {
  it("three rounds of two processes × two stylizers downloading the same model at once (some connections dropped)", async () => {
    const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
    for (let round = 0; round < 3; round++) {
      const cacheDir = join(tmp, `round-${round}`);
      const results = (await Promise.all([child(cacheDir), child(cacheDir)])).flatMap((r) => lastJson<{ ok?: boolean; code?: string }[]>(r));
      // A dropped connection is a typed download failure; every finished download is verified.
      for (const r of results) expect(r.ok === true || r.code === "MODEL_DOWNLOAD_FAILED" || r.code === "MODEL_INTEGRITY", JSON.stringify(r)).toBe(true);
      const files = readdirSync(cacheDir, { recursive: true }) as string[];
      // Only the final name, never a partial; and it is the exact registry file whenever present.
      expect(files.filter((f) => f.endsWith(".partial"))).toEqual([]);
      if (results.some((r) => r.ok)) expect(files).toContain(spec.file);
      // The optimised graph (optimized/…) has its own verified header; the model files must be exact.
      for (const f of files.filter((f) => f.endsWith(".onnx") && !f.startsWith("optimized"))) expect(sha(readFileSync(join(cacheDir, f)))).toBe(spec.sha256);
    }
    expect(requests).toBeGreaterThanOrEqual(12);
  });
});
