// Regenerates the pictures of docs/finishing.md from the real models and photos.
//   npm run build && node scripts/finish-images.mjs
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { createStylizer, env, listUpscalers, upscale } from "anime2d";

const photos = "../shared/photos";
const outDir = "docs/images";
const modelDir = env.modelDir ?? "../shared/models";
const stylizer = createStylizer({ modelDir, threads: 2 });
await mkdir(outDir, { recursive: true });

async function readRgb(name, width) {
  const { data, info } = await sharp(join(photos, name)).resize({ width }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data), width: info.width, height: info.height, channels: 3 };
}

function save(image, name) {
  const raw = { width: image.width, height: image.height, channels: image.channels };
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length), { raw }).jpeg({ quality: 88, chromaSubsampling: "4:4:4" }).toFile(join(outDir, name));
}

// Colour modes: the photo, then the style with each mode.
for (const [photo, style] of [["china.jpg", "hayao-v2"], ["astronaut.png", "hayao-v2"], ["coffee.png", "cartoongan-paprika"]]) {
  const input = await readRgb(photo, 320);
  const stem = photo.replace(/\..*$/, "");
  await save(input, `finish-${stem}-photo.jpg`);
  for (const color of ["model", "match", "preserve"]) await save(await stylizer.stylize(input, { style, color }), `finish-${stem}-${color}.jpg`);
}

// Upscalers: one 128² crop of a stylized portrait, 2× by each, beside a pixel-doubled copy.
const portrait = await readRgb("astronaut.png", 512);
const styled = await stylizer.stylize(portrait, { style: "hayao" });
const { data } = await sharp(Buffer.from(styled.data), { raw: { width: 512, height: 512, channels: 3 } }).extract({ left: 176, top: 40, width: 128, height: 128 }).raw().toBuffer({ resolveWithObject: true });
const crop = { data: new Uint8ClampedArray(data), width: 128, height: 128, channels: 3 };
const doubled = await sharp(Buffer.from(crop.data), { raw: { width: 128, height: 128, channels: 3 } }).resize(256, 256, { kernel: "nearest" }).raw().toBuffer();
await save({ data: new Uint8ClampedArray(doubled), width: 256, height: 256, channels: 3 }, "finish-up-nearest.jpg");
for (const upscaler of listUpscalers()) await save(await upscale(crop, { modelDir, threads: 2, upscaler }), `finish-up-${upscaler}.jpg`);
await stylizer.dispose();
console.log(`pictures written to ${outDir}`);
