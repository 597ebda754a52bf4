import { afterAll, describe, expect, it } from "vitest";
import { createStylizer, registerStyle } from "@anime2d/node";
import { pattern } from "../fixtures/images.js";
import { unaryModel } from "../fixtures/onnx.js";

// Identity generators built in code: the pipeline's own arithmetic (pad, normalise, layout,
// channel order, crop, denormalise) must then give back the input exactly.
const nchw = unaryModel("Identity", "x", "y", [1, 3, "h", "w"]);
const nhwc = unaryModel("Identity", "x", "y", [1, "h", "w", 3]);
const neg = unaryModel("Neg", "x", "y", [1, "h", "w", 3]);

registerStyle({
  id: "identity-nchw-bgr",
  file: "identity-nchw.onnx",
  multipleOf: 32,
  input: { name: "x", layout: "NCHW", channelOrder: "BGR", range: [-1, 1] },
  output: { name: "y", layout: "NCHW", channelOrder: "BGR", range: [-1, 1] },
});
registerStyle({
  id: "swap-channels",
  file: "identity-nhwc.onnx",
  multipleOf: 8,
  input: { name: "x", layout: "NHWC", channelOrder: "RGB", range: [0, 1] },
  output: { name: "y", layout: "NHWC", channelOrder: "BGR", range: [0, 1] },
});
registerStyle({
  id: "negative",
  file: "neg.onnx",
  multipleOf: 4,
  input: { name: "x", layout: "NHWC", channelOrder: "RGB", range: [-1, 1] },
  output: { name: "y", layout: "NHWC", channelOrder: "RGB", range: [-1, 1] },
});
registerStyle({
  id: "wrong-names",
  file: "identity-nhwc.onnx",
  multipleOf: 1,
  input: { name: "image", layout: "NHWC", channelOrder: "RGB", range: [0, 1] },
  output: { name: "y", layout: "NHWC", channelOrder: "RGB", range: [0, 1] },
});

const stylizer = createStylizer({
  models: { "identity-nchw-bgr": nchw, "swap-channels": nhwc, negative: neg, "wrong-names": nhwc },
});
afterAll(() => stylizer.dispose());

describe("custom ONNX generators (exact arithmetic)", () => {
  it("an identity model returns the input exactly, through padding, NCHW and BGR", async () => {
    for (const [w, h] of [[1, 1], [33, 7], [65, 64]]) {
      const input = pattern(w, h, 3);
      const out = await stylizer.stylize(input, { style: "identity-nchw-bgr" });
      expect([out.width, out.height]).toEqual([w, h]);
      expect([...out.data]).toEqual([...input.data]);
    }
  });

  it("declaring the output BGR swaps red and blue", async () => {
    const input = pattern(9, 5, 3);
    const out = await stylizer.stylize(input, { style: "swap-channels" });
    for (let i = 0; i < out.data.length; i += 3) expect([out.data[i], out.data[i + 1], out.data[i + 2]]).toEqual([input.data[i + 2], input.data[i + 1], input.data[i]]);
  });

  it("a negating model inverts the image (range [-1, 1] is symmetric)", async () => {
    const input = pattern(10, 6, 3);
    const out = await stylizer.stylize(input, { style: "negative" });
    for (let i = 0; i < out.data.length; i++) expect(out.data[i]).toBe(255 - input.data[i]);
  });

  it("a model whose IO names differ from its spec fails with MODEL_MISMATCH", async () => {
    await expect(stylizer.stylize(pattern(8, 8), { style: "wrong-names" })).rejects.toMatchObject({
      code: "MODEL_MISMATCH",
      message: expect.stringContaining('expects input "image"'),
    });
  });

  it("bytes that are not an ONNX model fail with MODEL_LOAD_FAILED", async () => {
    registerStyle({ ...nhwcSpec("not-onnx") });
    const junk = createStylizer({ models: { "not-onnx": new Uint8Array([8, 1, 2, 3, 4, 5, 6, 7]) } });
    await expect(junk.stylize(pattern(8, 8), { style: "not-onnx" })).rejects.toMatchObject({ code: "MODEL_LOAD_FAILED" });
    await junk.dispose();
  });
});

function nhwcSpec(id: string) {
  return {
    id,
    file: `${id}.onnx`,
    multipleOf: 1,
    input: { name: "x", layout: "NHWC", channelOrder: "RGB", range: [0, 1] },
    output: { name: "y", layout: "NHWC", channelOrder: "RGB", range: [0, 1] },
  } as const satisfies Parameters<typeof registerStyle>[0] extends infer T ? Partial<T> : never;
}
