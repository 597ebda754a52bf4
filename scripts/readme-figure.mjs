// Builds docs/images/before-after.jpg for the README: inputs beside the CLI's outputs.
//   npm run stylize -- ../shared/photos/astronaut.png ../shared/photos/china.jpg --out anime2d-out
//   node scripts/readme-figure.mjs anime2d-out
import { basename, extname, join } from "node:path";
import sharp from "sharp";

const outDir = process.argv[2] ?? "anime2d-out";
const pairs = [
  ["../shared/photos/astronaut.png", "hayao"],
  ["../shared/photos/china.jpg", "hayao"],
];
const H = 320;
const tiles = [];
let x = 0;
for (const [photo, style] of pairs) {
  for (const file of [photo, join(outDir, `${basename(photo, extname(photo))}-${style}.png`)]) {
    const img = sharp(file).resize({ height: H });
    const { info } = await img.clone().toBuffer({ resolveWithObject: true });
    tiles.push({ input: await img.png().toBuffer(), left: x, top: 0 });
    x += info.width + 6;
  }
  x += 12;
}
await sharp({ create: { width: x - 18, height: H, channels: 3, background: "#ffffff" } })
  .composite(tiles)
  .jpeg({ quality: 86 })
  .toFile("docs/images/before-after.jpg");
console.log("wrote docs/images/before-after.jpg");
