const a = await import(process.env.DIST);
const image = { data: new Uint8ClampedArray(1200*900*3).fill(120), width: 1200, height: 900, channels: 3 };
const stylizer = a.createStylizer({ style: "hayao", tile: { size: 256, overlap: 32 } });
for (let i = 0; i < 3; i++) {
  const controller = new AbortController();
  const t = performance.now();
  const code = await stylizer.stylize(image, { signal: controller.signal, onProgress: (e) => { if (e.stage === "tile" && e.done >= 2) controller.abort(); } }).then(() => "finished", (e) => e.code);
  console.log(i, code, Math.round(performance.now() - t));
}
console.log("plain", (await stylizer.stylize(image, { tile: false })).width);
await stylizer.dispose();
console.log("disposed");
