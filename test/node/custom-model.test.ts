import { afterAll, describe, expect, it } from "vitest";
import { createStylizer, registerStyle } from "@anime2d/node";
import { pattern } from "../fixtures/images.js";
import { unaryModel } from "../fixtures/onnx.js";

// Custom ids are typed by declaration merging, as an application would do it.
declare module "../../packages/core/src/style-id.js" {
  interface CustomStyleIds {
    "identity-nchw-bgr": true;
    "swap-channels": true;
    negative: true;
    "wrong-names": true;
    "not-onnx": true;
  }
}

// Identity generators built in code: the pipeline's own arithmetic (pad, normalise, layout,
// channel order, crop, denormalise) must then give back the input exactly.
const nchw = unaryModel("Identity", "x", "y", [1, 3, "h", "w"]);
const nhwc = unaryModel("Identity", "x", "y", [1, "h", "w", 3]);
const neg = unaryModel("Neg", "x", "y", [1, "h", "w", 3]);

type Layout = "NHWC" | "NCHW";
type Order = "RGB" | "BGR";
/** Registers a test generator whose graph uses tensor names x → y unless told otherwise. */
function register(id: string, multipleOf: number, layout: Layout, range: [number, number], orders: [Order, Order], inputName = "x") {
  registerStyle({
    id,
    file: `${id}.onnx`,
    multipleOf,
    input: { name: inputName, layout, channelOrder: orders[0], range },
    output: { name: "y", layout, channelOrder: orders[1], range },
  });
}
register("identity-nchw-bgr", 32, "NCHW", [-1, 1], ["BGR", "BGR"]);
register("swap-channels", 8, "NHWC", [0, 1], ["RGB", "BGR"]);
register("negative", 4, "NHWC", [-1, 1], ["RGB", "RGB"]);
register("wrong-names", 1, "NHWC", [0, 1], ["RGB", "RGB"], "image");
register("not-onnx", 1, "NHWC", [0, 1], ["RGB", "RGB"]);

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
    const junk = createStylizer({ models: { "not-onnx": new Uint8Array([8, 1, 2, 3, 4, 5, 6, 7]) } });
    await expect(junk.stylize(pattern(8, 8), { style: "not-onnx" })).rejects.toMatchObject({ code: "MODEL_LOAD_FAILED" });
    await junk.dispose();
  });
});
