import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { checkInputFormat, sniffFormat } from "../../packages/node/src/serve/formats.js";
import { resolveServeOptions, serveOptionsFromEnv } from "../../packages/node/src/serve/options.js";
import { HTML, SVG } from "./helpers.js";

describe("anime2d serve: configuration and format check", () => {
  it("reads ANIME2D_* variables and fills safe defaults", () => {
    const options = serveOptionsFromEnv({ ANIME2D_PORT: "9000", ANIME2D_HOST: "0.0.0.0", ANIME2D_CORS: "https://a.example, https://b.example", ANIME2D_UI: "false", ANIME2D_MAX_QUEUE: "3", ANIME2D_REDIS_URL: "redis://127.0.0.1:6379" });
    expect(options).toEqual({ port: 9000, host: "0.0.0.0", cors: ["https://a.example", "https://b.example"], ui: false, maxQueue: 3, redis: "redis://127.0.0.1:6379" });
    const config = resolveServeOptions({});
    expect(config).toMatchObject({ host: "127.0.0.1", cors: [], ui: true });
    expect(config.redis).toBeUndefined();
    expect(() => serveOptionsFromEnv({ ANIME2D_PORT: "eighty" })).toThrow(/ANIME2D_PORT must be a number/);
    for (const bad of [{ port: 70000 }, { maxBodyBytes: 0 }, { maxQueue: -1 }, { formats: ["svg"] as never }]) {
      expect(() => resolveServeOptions(bad)).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
    }
  });

  it("recognises the six accepted formats by their bytes and refuses the rest", async () => {
    const base = sharp({ create: { width: 16, height: 16, channels: 3, background: "#468" } });
    for (const format of ["jpeg", "png", "webp", "avif", "tiff", "gif"] as const) {
      expect(sniffFormat(await base.clone().toFormat(format).toBuffer()), format).toBe(format);
    }
    const heic = new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode("ftypheic\0\0\0\0mif1heic")]);
    for (const bytes of [SVG, HTML, heic, new TextEncoder().encode("%PDF-1.7")]) {
      expect(() => checkInputFormat(bytes, ["jpeg", "png", "webp", "avif", "tiff", "gif"])).toThrow(expect.objectContaining({ code: "UNSUPPORTED_FORMAT" }));
    }
    const png = await base.clone().png().toBuffer();
    expect(() => checkInputFormat(png, ["jpeg"])).toThrow(/PNG images are not accepted here; send JPEG/);
  });
});
