// anime2d/web in Node (an SSR build): importing is free of side effects, calling explains itself.
import { describe, expect, it } from "vitest";

describe("anime2d/web without a browser", () => {
  it("imports cleanly and throws UNSUPPORTED only when called", async () => {
    const web = await import("@anime2d/web");
    expect(typeof web.stylize).toBe("function");
    expect(web.listStyles().map((s) => s.id)).toContain("hayao");
    await expect(web.stylize(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ name: "Anime2dError", code: "UNSUPPORTED", message: expect.stringContaining("anime2d/node") });
    expect(() => web.createStylizer()).toThrow(expect.objectContaining({ code: "UNSUPPORTED" }));
  });
});
