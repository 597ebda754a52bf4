// Investigation helper (not shipped): RSS across repeated aborted tiled runs.
import sharp from "sharp";
const a = await import(new URL("../dist/node/index.js", import.meta.url).href);
const mode = process.argv[2] ?? "abort";
const rounds = Number(process.argv[3] ?? 10);
const { data, info } = await sharp(new URL("../../shared/photos/laos.jpg", import.meta.url).pathname).resize(2000, 1500, { fit: "fill" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const image = { data: new Uint8ClampedArray(data), width: info.width, height: info.height, channels: 3 };
const stylizer = a.createStylizer({ style: "hayao", threads: 2 });
const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const rows = [];
for (let i = 0; i < rounds; i++) {
  const controller = new AbortController();
  try {
    await stylizer.stylize(image, { signal: controller.signal, onProgress: (e) => mode === "abort" && e.stage === "tile" && e.done >= 4 && controller.abort() });
  } catch (e) { if (e.code !== "ABORTED") throw e; }
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, 50));
  rows.push(mb());
}
console.log(mode, process.env.MALLOC_ARENA_MAX ?? "-", JSON.stringify(rows));
await stylizer.dispose();
