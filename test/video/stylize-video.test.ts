import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStylizer, isAnime2dError, stylizeVideo, type Stylizer } from "@anime2d/node";
import { decodeAll, makeClips, probe, psnr, SMALL, type Clips } from "./clips.js";

let clips: Clips;
let stylizer: Stylizer;
// The fast portrait generator, faces off unless a test says otherwise.
const base = { style: "cute" as const, face: "off" as const };
// Hayao's 52 spatial means shape its output strongly (cute has 4 that barely matter): statistics tests use it.
const hayao = { style: "hayao" as const };

beforeAll(() => {
  clips = makeClips();
  stylizer = createStylizer();
});
afterAll(async () => {
  await stylizer?.dispose();
  clips?.cleanup();
});

/** Frame count, duration (±1 frame), size, rotation and audio of the output equal the input's. */
function expectSameStreams(input: string, output: string) {
  const a = probe(input);
  const b = probe(output);
  const frame = a.duration / a.frames;
  expect(b.frames).toBe(a.frames);
  expect(Math.abs(b.duration - a.duration)).toBeLessThanOrEqual(frame + 1e-3);
  expect([b.width, b.height, b.rotation]).toEqual([a.width, a.height, a.rotation]);
  expect(b.audio?.codec).toBe(a.audio?.codec);
  return { a, b, frame };
}

// Generous: the models share two cores with whatever else runs.
describe("stylizeVideo (Node, ffmpeg pipes)", { timeout: 300_000 }, () => {
  it("keeps frame count, duration and size; frames are the stylized input frames", async () => {
    const output = join(clips.dir, "pan-out.mp4");
    const events: number[] = [];
    const result = await stylizeVideo(clips.pan, { ...base, output, stylizer, temporal: "per-frame", onProgress: (p) => events.push(p.done) });
    expect(result).toMatchObject({ output, frames: 24, shots: 1 });
    expect(events.at(-1)).toBe(24);
    expectSameStreams(clips.pan, output);
    // Per-frame mode: every output frame is stylize() of the input frame, up to H.264 loss.
    const inFrames = decodeAll(clips.pan, 320, 180);
    const outFrames = decodeAll(output, 320, 180);
    for (const i of [0, 12, 23]) {
      const expected = await stylizer.stylize({ data: inFrames[i], width: 320, height: 180, channels: 3 }, base);
      expect(psnr(outFrames[i], expected.data)).toBeGreaterThan(30);
      expect(psnr(outFrames[i], inFrames[i])).toBeLessThan(25);
    }
  });

  it("keeps the audio track and its sync", async () => {
    const output = join(clips.dir, "audio-out.mp4");
    await stylizeVideo(clips.audio, { ...base, output, stylizer });
    const { a, b, frame } = expectSameStreams(clips.audio, output);
    expect(b.audio).toBeDefined();
    expect(Math.abs(b.audio!.duration - a.audio!.duration)).toBeLessThan(0.03);
    // Sync: the video starts at the same offset from the audio as in the input.
    expect(Math.abs(b.videoStart - b.audio!.start - (a.videoStart - a.audio!.start))).toBeLessThan(frame / 2);
  });

  it("WebM output re-encodes the audio to Opus", async () => {
    const output = join(clips.dir, "audio-out.webm");
    await stylizeVideo(clips.audio, { ...base, output, stylizer });
    const a = probe(clips.audio);
    const b = probe(output);
    expect(b.frames).toBe(a.frames);
    expect(b.audio?.codec).toBe("opus");
  });

  it("keeps the rotation: the output displays like the input", async () => {
    const output = join(clips.dir, "rotated-out.mp4");
    await stylizeVideo(clips.rotated, { ...base, output, stylizer, temporal: "per-frame" });
    expectSameStreams(clips.rotated, output);
    // Decoded upright, the first frame is the stylized upright input frame.
    const [upright] = decodeAll(clips.rotated, 180, 320);
    const [outUpright] = decodeAll(output, 180, 320);
    const expected = await stylizer.stylize({ data: upright, width: 180, height: 320, channels: 3 }, base);
    expect(psnr(outUpright, expected.data)).toBeGreaterThan(30);
  });

  it("keeps variable frame rate timing frame by frame", async () => {
    const output = join(clips.dir, "vfr-out.mp4");
    await stylizeVideo(clips.vfr, { ...base, output, stylizer });
    const { a, b } = expectSameStreams(clips.vfr, output);
    expect(new Set(a.times.slice(1).map((t, i) => Math.round((t - a.times[i]) * 1000))).size).toBeGreaterThan(1);
    expect(b.times.length).toBe(a.times.length);
    b.times.forEach((t, i) => expect(Math.abs(t - a.times[i])).toBeLessThan(0.002));
  });

  it("a hard cut starts a new shot with its own statistics", async () => {
    const output = join(clips.dir, "cut-out.mp4");
    const result = await stylizeVideo(clips.cut, { ...hayao, output, stylizer, steady: 0 });
    expect(result.shots).toBe(2);
    expectSameStreams(clips.cut, output);
    // Each shot is a still: its frozen statistics are its own, so every frame matches a
    // stylization of that shot's frame alone, on both sides of the cut.
    const inFrames = decodeAll(clips.cut, SMALL.width, SMALL.height);
    const outFrames = decodeAll(output, SMALL.width, SMALL.height);
    for (const i of [2, 20]) {
      const alone = await stylizer.stylize({ data: inFrames[i], ...SMALL, channels: 3 }, hayao);
      expect(psnr(outFrames[i], alone.data)).toBeGreaterThan(28);
    }
    // And the two shots' statistics differ: the second shot run with the first's would not match.
    const frame20 = { data: inFrames[20], ...SMALL, channels: 3 as const };
    const first = await stylizer.measureStatistics!([{ data: inFrames[0], ...SMALL, channels: 3 }], hayao);
    const wrong = await stylizer.stylize(frame20, { ...hayao, statistics: first });
    const right = await stylizer.stylize(frame20, hayao);
    expect(psnr(outFrames[20], wrong.data)).toBeLessThan(psnr(outFrames[20], right.data) - 5);
  });

  it("frozen statistics with steady blending flicker less than per-frame on a still shot with noise", async () => {
    const flicker = async (temporal: "frozen" | "per-frame") => {
      const output = join(clips.dir, `noise-${temporal}.mp4`);
      await stylizeVideo(clips.noise, { ...hayao, output, stylizer, temporal, crf: 10 });
      return meanFrameChange(decodeAll(output, SMALL.width, SMALL.height));
    };
    const [perFrame, frozen] = [await flicker("per-frame"), await flicker("frozen")];
    // bench:video measures about 0.3 (noise clip, hayao); the bound leaves room for the codec.
    expect(frozen).toBeLessThan(perFrame * 0.6);
    console.log(`noise clip, mean frame-to-frame change: per-frame ${perFrame.toFixed(2)}, frozen ${frozen.toFixed(2)}, input ${meanFrameChange(decodeAll(clips.noise, SMALL.width, SMALL.height)).toFixed(2)}`);
  });

  it("face mode on video: faces are found, smoothed and pasted on every frame", async () => {
    const output = join(clips.dir, "portrait-out.mp4");
    const result = await stylizeVideo(clips.portrait, { style: "cute", face: "auto", output, stylizer });
    expect(result.frames).toBe(8);
    expectSameStreams(clips.portrait, output);
    // The face region differs from a background-only run: the face pass ran.
    const [first] = decodeAll(output, 256, 256);
    const [input] = decodeAll(clips.portrait, 256, 256);
    const off = await stylizer.stylize({ data: input, width: 256, height: 256, channels: 3 }, base);
    expect(psnr(first, off.data)).toBeLessThan(35);
  });

  it("abort stops ffmpeg and leaves no partial file", async () => {
    const output = join(clips.dir, "aborted.mp4");
    const controller = new AbortController();
    const before = readdirSync(clips.dir).length;
    const error = await stylizeVideo(clips.pan, {
      ...base, output, stylizer,
      signal: controller.signal,
      onProgress: (p) => p.done === 3 && controller.abort(),
    }).catch((e) => e);
    expect(isAnime2dError(error, "ABORTED")).toBe(true);
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(clips.dir).length).toBe(before);
  });

  it("typed errors: missing ffmpeg, a file that is not a video, bad options", async () => {
    const missing = await stylizeVideo(clips.pan, { ffmpeg: join(clips.dir, "no-ffmpeg"), stylizer }).catch((e) => e);
    expect(isAnime2dError(missing, "FFMPEG_MISSING")).toBe(true);
    expect(missing.message).toMatch(/apt-get install ffmpeg/);
    const notVideo = join(clips.dir, "not-a-video.mp4");
    writeFileSync(notVideo, "hello");
    expect((await stylizeVideo(notVideo, { stylizer }).catch((e) => e)).code).toBe("DECODE_FAILED");
    expect((await stylizeVideo(clips.pan, { stylizer, temporal: "x" as never }).catch((e) => e)).code).toBe("INVALID_OPTION");
    expect((await stylizeVideo(clips.pan, { stylizer, face: "avatar" }).catch((e) => e)).code).toBe("INVALID_OPTION");
    expect((await stylizeVideo(clips.pan, { stylizer, format: "avi" as never }).catch((e) => e)).code).toBe("INVALID_OPTION");
    expect(readdirSync(clips.dir).filter((f) => f.endsWith(".partial"))).toEqual([]);
  });
});

function meanFrameChange(frames: Uint8Array[]): number {
  let sum = 0;
  for (let i = 1; i < frames.length; i++) {
    let d = 0;
    for (let j = 0; j < frames[i].length; j++) d += Math.abs(frames[i][j] - frames[i - 1][j]);
    sum += d / frames[i].length;
  }
  return sum / (frames.length - 1);
}
