import { Anime2dError } from "./errors.js";
import type { RgbImage } from "./image.js";
import type { LoadedModel } from "./model-pool.js";
import { imageToTensor, paddedSize, tensorToImage } from "./tensor.js";

/**
 * Runs an image-to-image model on a whole image: pad to the model's size multiple by
 * reflection, convert to its tensor format, run, convert back and crop the padding away.
 * For 2× upscalers (`spec.scale` 2) the output is twice the input's size.
 */
export async function runImageModel(model: LoadedModel, image: RgbImage): Promise<RgbImage> {
  const { spec } = model;
  const scale = spec.scale ?? 1;
  const pw = paddedSize(image.width, spec.multipleOf, spec.minSize);
  const ph = paddedSize(image.height, spec.multipleOf, spec.minSize);
  const nchw = spec.input.layout === "NCHW";
  const dims = nchw ? [1, 3, ph, pw] : [1, ph, pw, 3];
  const input = imageToTensor(image, spec.input, pw, ph);
  const output = await model.run(input, dims);
  const [oh, ow] = spec.output.layout === "NCHW" ? [output.dims[2], output.dims[3]] : [output.dims[1], output.dims[2]];
  const channels = spec.output.layout === "NCHW" ? output.dims[1] : output.dims[3];
  if (oh !== ph * scale || ow !== pw * scale || channels !== 3) {
    throw new Anime2dError(
      "MODEL_MISMATCH",
      `Model "${spec.id}" returned dims [${output.dims}] for input [${dims}]; expected ${ph * scale}×${pw * scale}×3.`,
    );
  }
  return tensorToImage(output.data, spec.output, ow, oh, image.width * scale, image.height * scale);
}
