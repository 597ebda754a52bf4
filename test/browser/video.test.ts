// Browser video: stylizeVideo(Blob) → Blob with WebCodecs (mediabunny) in real Chromium; the
// output decodes back in the same browser with the input's frames, size and audio, and
// ffprobe agrees.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { photo } from "../fixtures/paths.js";
import { probe } from "../video/clips.js";
import { openHarness, type HarnessSession } from "./session.js";

let s: HarnessSession;
let dir: string;
let clip: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "anime2d-web-video-"));
  clip = join(dir, "clip.webm");
  // 1 s, 12 fps, VP8 + Opus (what every Chromium decodes), a slow pan over a photo.
  execFileSync("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-y",
    "-loop", "1", "-framerate", "12", "-i", photo("china.jpg"), "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
    "-vf", "scale=240:-2,crop=160:96:x='t*30':y=20,setsar=1", "-t", "1", "-map", "0:v", "-map", "1:a",
    "-c:v", "libvpx", "-b:v", "1M", "-c:a", "libopus", "-shortest", clip,
  ]);
  s = await openHarness();
}, 180_000);
afterAll(async () => {
  await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("stylizeVideo in Chromium", () => {
  it("stylizes a clip into a WebM that decodes back with the same frames, size and audio", async () => {
    const bytes = readFileSync(clip).toString("base64");
    const r = await s.page.evaluate(async (b64) => {
      const input = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: "video/webm" });
      const events: number[] = [];
      const out = await anime2d.stylizeVideo(input, { style: "cute", face: "off", onProgress: (p) => events.push(p.done) });
      const mb = (globalThis as any).mediabunny;
      const count = async (blob: Blob) => {
        const file = new mb.Input({ source: new mb.BlobSource(blob), formats: mb.ALL_FORMATS });
        const video = await file.getPrimaryVideoTrack();
        const audio = await file.getPrimaryAudioTrack();
        let frames = 0;
        let mean = 0;
        for await (const sample of new mb.VideoSampleSink(video).samples()) {
          if (frames === 0) {
            const canvas = new OffscreenCanvas(video.codedWidth, video.codedHeight);
            const ctx = canvas.getContext("2d")!;
            ctx.drawImage(sample.toCanvasImageSource(), 0, 0);
            const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 0; i < px.length; i += 4) mean += px[i] + px[i + 1] + px[i + 2];
            mean /= (px.length / 4) * 3;
          }
          frames++;
          sample.close();
        }
        return { frames, width: video.codedWidth, height: video.codedHeight, audio: audio?.codec ?? null, duration: await file.computeDuration(), mean };
      };
      const bin = new Uint8Array(await out.arrayBuffer());
      let s = "";
      for (let i = 0; i < bin.length; i += 0x8000) s += String.fromCharCode(...bin.subarray(i, i + 0x8000));
      return { type: out.type, input: await count(input), output: await count(out), events, bytes: btoa(s) };
    }, bytes);
    expect(r.type).toMatch(/^video\/webm/);
    expect(r.output.frames).toBe(r.input.frames);
    expect(r.input.frames).toBe(12);
    expect([r.output.width, r.output.height]).toEqual([160, 96]);
    expect(r.output.audio).toBe("opus");
    expect(Math.abs(r.output.duration - r.input.duration)).toBeLessThanOrEqual(1 / 12 + 1e-3);
    expect(r.events.at(-1)).toBe(12);
    // Stylized: the picture changed.
    expect(Math.abs(r.output.mean - r.input.mean)).toBeGreaterThan(1);
    // And an independent decoder agrees.
    const out = join(dir, "out.webm");
    writeFileSync(out, Buffer.from(r.bytes, "base64"));
    const facts = probe(out);
    expect(facts.frames).toBe(12);
    expect(facts.audio?.codec).toBe("opus");
  });
});
