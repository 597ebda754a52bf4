import { afterAll, describe, expect, it } from "vitest";
import { createStylizer, listStyles } from "@anime2d/node";
import { readRgb, meanAbsDiff } from "../fixtures/images.js";
import { photo } from "../fixtures/paths.js";
import { referenceStylize } from "./reference.js";

// A square portrait, a landscape with odd height (427) and a 1200×794 close portrait.
const PHOTOS = ["astronaut.png", "china.jpg", "city_portrait.jpg"];
describe.each(listStyles().map((s) => s.id))("style %s on real photos", (style) => {
  const spec = listStyles().find((s) => s.id === style)!;
  // One stylizer per style, disposed after it: one model's memory at a time.
  const stylizer = createStylizer();
  afterAll(() => stylizer.dispose());
  it.each(PHOTOS)("%s: same size, faithful to the model, visibly stylized", async (name) => {
    const input = await readRgb(photo(name));
    const out = await stylizer.stylize(photo(name), { style, face: "off", color: "model" } as never);
    expect([out.width, out.height, out.channels]).toEqual([input.width, input.height, 3]);
    expect(out.data).toBeInstanceOf(Uint8ClampedArray);

    const reference = await referenceStylize(spec, input);
    expect(meanAbsDiff(out.data, reference)).toBeLessThanOrEqual(1);
    expect(meanAbsDiff(out.data, input.data)).toBeGreaterThanOrEqual(8);
  });
});
