import { INT32, int64Scalar, int64Tensor, type Graph, type Node } from "../onnx/model.js";
import { intAttr, node } from "./graph-tools.js";

/**
 * Moves of whole pixels on blocked tensors (blocked-layout.ts) as one Gather each: a reflect or
 * edge Pad (or a chain of them) and the sub-pixel parity interleave. A blocked pixel is `b`
 * contiguous floats (64 bytes at b = 16), so any such move is a gather of pixels by a flat index
 * over `[1, C/b, H·W, b]`. ONNX Runtime's Pad and Transpose copy on one thread; its Gather
 * copies on all of them (hayao at 512²: 2–3% of the whole run). The indices depend on H and W,
 * so they are built in the graph from the tensor's shape: two short vectors (rows, columns) and
 * one broadcast Add.
 */

export type PadMode = "reflect" | "edge";

/** One Pad: widths before and after, per spatial axis (H, W). */
export interface PadStep {
  begin: [number, number];
  end: [number, number];
  mode: PadMode;
}

export interface GatherBuilder {
  emit: (n: Node) => void;
  fresh: (base: string) => string;
}

export function pixelGathers(graph: Graph, block: number, { emit, fresh }: GatherBuilder) {
  const constant = (base: string, data: number[]) => {
    const name = fresh(base);
    graph.initializers.set(name, int64Tensor(name, data));
    return name;
  };
  const scalar = (base: string, value: number) => {
    const name = fresh(base);
    graph.initializers.set(name, int64Scalar(name, value));
    return name;
  };
  /** Emits `op` and returns its (fresh) output name. */
  const op = (type: string, inputs: string[], base: string, attributes = [] as Node["attributes"]) => {
    const output = fresh(base);
    emit(node(type, inputs, [output], attributes));
    return output;
  };

  /** H and W of a [1, C, H, W] tensor, as scalars. */
  function spatialSize(tensor: string, base: string): [string, string] {
    const shape = op("Shape", [tensor], `${base}_shape`);
    const toScalar = constant(`${base}_scalar`, []);
    return [2, 3].map((axis) => op("Reshape", [op("Gather", [shape, constant(`${base}_axis`, [axis])], `${base}_dim`), toScalar], `${base}_size`)) as [string, string];
  }

  /**
   * Source index, along one axis of `size` pixels, of each pixel after the pad: reflect mirrors
   * about the edge pixel (last − |last − |i||), edge clamps ((i + |i|)/2, then the same at the
   * far end). Integer ops only, in forms every opset has.
   */
  function padAxis(size: string, begin: number, end: number, mode: PadMode, base: string): string {
    const one = scalar(`${base}_one`, 1);
    const last = op("Sub", [size, one], `${base}_last`);
    const positions = op("Range", [scalar(`${base}_begin`, -begin), op("Add", [size, scalar(`${base}_end`, end)], `${base}_limit`), one], `${base}_positions`);
    const abs = (x: string) => op("Abs", [x], `${base}_abs`);
    const fromLast = (x: string) => op("Sub", [last, x], `${base}_from_last`);
    if (mode === "reflect") return fromLast(abs(fromLast(abs(positions))));
    const two = scalar(`${base}_two`, 2);
    const atLeastZero = (x: string) => op("Div", [op("Add", [x, abs(x)], `${base}_sum`), two], `${base}_clamped`);
    return fromLast(atLeastZero(fromLast(atLeastZero(positions))));
  }

  /**
   * Gathers pixels of the blocked `source` ([1, C', h, w]) into the blocked `output`
   * ([1, channels, rows, columns]): output pixel (i, j) of each channel block is source pixel
   * rowOffsets[i] + columnOffsets[j] of the same block, counted over the block's h·w·(C'/channels)
   * pixels.
   */
  function gatherPixels(source: string, channels: number, rowOffsets: string, columnOffsets: string, output: string): void {
    const base = output;
    const column = op("Reshape", [rowOffsets, constant(`${base}_column`, [-1, 1])], `${base}_row_offsets`);
    const flat2d = op("Add", [column, columnOffsets], `${base}_index2d`);
    const index = op("Reshape", [op("Cast", [flat2d], `${base}_index32`, [intAttr("to", INT32)]), constant(`${base}_flat`, [-1])], `${base}_index`);
    const pixels = op("Reshape", [source, constant(`${base}_pixels_shape`, [0, channels / block, -1, block])], `${base}_pixels`);
    const gathered = op("Gather", [pixels, index], `${base}_gathered`, [intAttr("axis", 2)]);
    const shape = op("Concat", [constant(`${base}_nc`, [1, channels]), op("Shape", [rowOffsets], `${base}_rows`), op("Shape", [columnOffsets], `${base}_columns`)], `${base}_out_shape`, [intAttr("axis", 0)]);
    emit(node("Reshape", [gathered, shape], [output]));
  }

  return {
    /** The blocked `source` padded by `steps` in turn, as one gather. */
    pad(source: string, channels: number, steps: PadStep[], output: string): void {
      const base = `${output}_pad`;
      const [height, width] = spatialSize(source, base);
      const index = [height, width].map((size, axis) => {
        let composed: string | undefined;
        for (const step of steps) {
          const map = padAxis(size, step.begin[axis], step.end[axis], step.mode, `${base}_${axis}`);
          // A later pad reads the earlier one's output: compose the index maps.
          composed = composed ? op("Gather", [composed, map], `${base}_${axis}_composed`) : map;
          size = op("Add", [size, scalar(`${base}_${axis}_grow`, step.begin[axis] + step.end[axis])], `${base}_${axis}_size`);
        }
        return composed!;
      });
      gatherPixels(source, channels, op("Mul", [index[0], width], `${base}_row_offsets`), index[1], output);
    },

    /**
     * The sub-pixel parity interleave: `source` holds, per block of `channels` output channels,
     * the four parities (py, px) of a [h, w] image one after another; output pixel (2i + py,
     * 2j + px) is pixel (py·2 + px)·h·w + i·w + j of that block.
     */
    interleave(source: string, channels: number, output: string): void {
      const base = `${output}_interleave`;
      const [h, w] = spatialSize(source, base);
      const two = scalar(`${base}_two`, 2);
      const offsets = (size: string, parityStride: string, halfStride: string | undefined, axis: string) => {
        const positions = op("Range", [scalar(`${base}_zero`, 0), op("Mul", [size, two], `${base}_${axis}_n`), scalar(`${base}_one`, 1)], `${base}_${axis}_positions`);
        const parity = op("Mul", [op("Mod", [positions, two], `${base}_${axis}_parity`), parityStride], `${base}_${axis}_parity_offset`);
        const half = op("Div", [positions, two], `${base}_${axis}_half`);
        return op("Add", [parity, halfStride ? op("Mul", [half, halfStride], `${base}_${axis}_half_offset`) : half], `${base}_${axis}_offsets`);
      };
      const hw = op("Mul", [h, w], `${base}_hw`);
      const rows = offsets(h, op("Mul", [hw, two], `${base}_2hw`), w, "rows");
      gatherPixels(source, channels, rows, offsets(w, hw, undefined, "columns"), output);
    },
  };
}
