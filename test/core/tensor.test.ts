import { describe, expect, it } from "vitest";
import ndarray from "ndarray";
import ops from "ndarray-ops";
import { imageToTensor, paddedSize, reflectIndex, tensorToImage, type TensorFormat } from "@anime2d/core";
import { pattern } from "../fixtures/images.js";

const rgbOf = (w: number, h: number) => {
  const p = pattern(w, h, 3);
  return { data: p.data as Uint8ClampedArray, width: w, height: h };
};

describe("padding and cropping", () => {
  it("pads every size up to the next multiple, for every multiple 1..32", () => {
    for (let multiple = 1; multiple <= 32; multiple++) {
      for (let size = 1; size <= 70; size++) {
        const padded = paddedSize(size, multiple);
        expect(padded % multiple).toBe(0);
        expect(padded).toBeGreaterThanOrEqual(size);
        expect(padded - size).toBeLessThan(multiple);
      }
    }
    expect(paddedSize(10, 4, 19)).toBe(20);
  });

  it("reflects like numpy's 'reflect' mode, also past one period", () => {
    expect([...Array(10)].map((_, i) => reflectIndex(i, 4))).toEqual([0, 1, 2, 3, 2, 1, 0, 1, 2, 3]);
    expect(reflectIndex(-1, 4)).toBe(1);
    expect(reflectIndex(5, 1)).toBe(0);
  });

  it("pads by reflection and crops back exactly, for every multiple and odd sizes", () => {
    const format: TensorFormat = { layout: "NHWC", channelOrder: "RGB", range: [0, 255] };
    for (const multiple of [1, 2, 3, 4, 8, 16, 32]) {
      for (const [w, h] of [[1, 1], [1, 9], [7, 3], [33, 17], [64, 48]]) {
        const img = rgbOf(w, h);
        const pw = paddedSize(w, multiple);
        const ph = paddedSize(h, multiple);
        const t = imageToTensor(img, format, pw, ph);
        expect(t.length).toBe(pw * ph * 3);
        // Padded pixels mirror real ones.
        for (let y = 0; y < ph; y++)
          for (let x = 0; x < pw; x++)
            for (let c = 0; c < 3; c++)
              expect(t[(y * pw + x) * 3 + c]).toBe(img.data[(reflectIndex(y, h) * w + reflectIndex(x, w)) * 3 + c]);
        const back = tensorToImage(t, format, pw, ph, w, h);
        expect([...back.data]).toEqual([...img.data]);
      }
    }
  });
});

describe("normalisation, channel order and layout", () => {
  it("maps 0..255 onto the model range and back without loss", () => {
    const img = rgbOf(16, 16);
    for (const range of [[-1, 1], [0, 1], [0, 255], [-0.5, 2]] as [number, number][]) {
      const format: TensorFormat = { layout: "NHWC", channelOrder: "RGB", range };
      const t = imageToTensor(img, format, 16, 16);
      expect(Math.min(...t)).toBeGreaterThanOrEqual(range[0] - 1e-6);
      expect(Math.max(...t)).toBeLessThanOrEqual(range[1] + 1e-6);
      expect(t[0]).toBeCloseTo((img.data[0] / 255) * (range[1] - range[0]) + range[0], 5);
      expect([...tensorToImage(t, format, 16, 16, 16, 16).data]).toEqual([...img.data]);
    }
  });

  it("clamps out-of-range model outputs", () => {
    const format: TensorFormat = { layout: "NHWC", channelOrder: "RGB", range: [-1, 1] };
    const out = tensorToImage(new Float32Array([-3, 1.5, 0]), format, 1, 1, 1, 1);
    expect([...out.data]).toEqual([0, 255, 128]);
  });

  it("matches an ndarray transpose for NCHW and BGR (independent reference)", () => {
    const w = 13;
    const h = 9;
    const img = rgbOf(w, h);
    const t = imageToTensor(img, { layout: "NCHW", channelOrder: "BGR", range: [0, 255] }, w, h);
    // Reference: view the HWC image as ndarray, reverse the channel axis, transpose to CHW.
    const hwc = ndarray(Float32Array.from(img.data), [h, w, 3]);
    const chw = ndarray(new Float32Array(3 * h * w), [3, h, w]);
    ops.assign(chw, hwc.step(1, 1, -1).transpose(2, 0, 1));
    expect([...t]).toEqual([...chw.data]);
    const back = tensorToImage(t, { layout: "NCHW", channelOrder: "BGR", range: [0, 255] }, w, h, w, h);
    expect([...back.data]).toEqual([...img.data]);
  });

  it("keeps NHWC RGB in pixel order", () => {
    const img = rgbOf(5, 4);
    const t = imageToTensor(img, { layout: "NHWC", channelOrder: "RGB", range: [0, 255] }, 5, 4);
    expect([...t]).toEqual([...img.data]);
    const bgr = imageToTensor(img, { layout: "NHWC", channelOrder: "BGR", range: [0, 255] }, 5, 4);
    expect([bgr[0], bgr[1], bgr[2]]).toEqual([img.data[2], img.data[1], img.data[0]]);
  });
});
