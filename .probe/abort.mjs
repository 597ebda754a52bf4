import sharp from "sharp";
const a = await import(process.env.DIST);
const mb = (n) => Math.round(n / 2 ** 20);
const sample = async () => { globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); const m = process.memoryUsage(); return mb(m.rss); };
const { data, info } = await sharp(process.env.PHOTO).resize(2000, 1500, { fit: "fill" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const image = { data: new Uint8ClampedArray(data), width: info.width, height: info.height, channels: 3 };
const stylizer = a.createStylizer({ style: "hayao", threads: 2, worker: process.env.WORKER === "1", optimize: process.env.OPT !== "0" });
const rounds = [];
for (let i = 0; i < Number(process.env.N ?? 16); i++) {
  const controller = new AbortController();
  const code = await stylizer.stylize(image, { signal: controller.signal, onProgress: (e) => e.stage === "tile" && e.done >= 2 && controller.abort() }).then(() => "finished", (e) => e.code);
  console.error("round", i, code);
  rounds.push(await sample());
}
console.log(process.env.LABEL, rounds.join(" "));
await stylizer.dispose();
