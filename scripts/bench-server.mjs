// Server benchmark (issue 9): event-loop lag while stylizing in-thread vs in the worker pool,
// batch throughput and single-photo latency per pool shape, time to first result after
// warmup() vs cold, RSS per worker, and our pool vs piscina. Run after `npm run build`:
//   ANIME2D_MODEL_DIR=../shared/models node scripts/bench-server.mjs [--quick] [--only lag,batch,warmup,rss,piscina]
import { fileURLToPath } from "node:url";
import { availableParallelism } from "node:os";
import sharp from "sharp";
import { Piscina } from "piscina";
import { createStylizer, stylize } from "../dist/node/index.js";

const args = process.argv.slice(2);
const arg = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const quick = args.includes("--quick");
const only = arg("--only")?.split(",");
const section = (name) => !only || only.includes(name);
const photo = (name) => fileURLToPath(new URL(`../../shared/photos/${name}`, import.meta.url));
const PHOTOS = ["astronaut.png", "china.jpg", "city_portrait.jpg", "coffee.png", "laos.jpg", "model_face.jpg", "rocket.jpg", "woman_portrait.jpg"];
const cores = availableParallelism();
const side = quick ? 512 : 1024;
const ms = (x) => `${x.toFixed(0)} ms`;
const mb = (x) => `${(x / 2 ** 20).toFixed(0)} MB`;
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

/** Gaps between ticks of a 5 ms interval while `work` runs, counting the gap up to its end. */
async function lag(work) {
  const gaps = [];
  let last = performance.now();
  const timer = setInterval(() => { const now = performance.now(); gaps.push(now - last); last = now; }, 5);
  const t0 = performance.now();
  await work();
  clearInterval(timer);
  gaps.push(performance.now() - last);
  // Lag = how late a tick came beyond its 5 ms period.
  const late = gaps.map((g) => Math.max(0, g - 5));
  return { p50: pct(late, 50), p99: pct(late, 99), max: Math.max(...late), ms: performance.now() - t0 };
}

console.log(`# anime2d server bench (${cores} cores${quick ? ", --quick" : ""})\n`);

const portrait = await sharp(photo("city_portrait.jpg")).resize(side, side, { fit: "cover" }).png().toBuffer();

if (section("lag")) {
  console.log(`## Event-loop lag while stylizing a ${side}² photo (hayao), 5 ms interval; goal p99 ≤ 20 ms, max ≤ 50 ms\n`);
  console.log("| case | in-thread p50 / p99 / max | worker p50 / p99 / max | in-thread time | worker time |");
  console.log("|---|---|---|---|---|");
  const cases = [
    ["whole", { tile: false }],
    ["tiled (512, overlap 32)", { tile: { size: 512, overlap: 32 } }],
    ['face: "auto"', { face: "auto" }],
    ["upscale: 2", { upscale: 2 }],
  ];
  const local = createStylizer({ worker: false, threads: cores });
  // Sessions open and memory sized on both sides first: this measures stylizations.
  for (const [, options] of cases) {
    await local.stylize(portrait, { style: "hayao", ...options });
    await stylize(portrait, { style: "hayao", ...options });
  }
  for (const [name, options] of cases) {
    const a = await lag(() => local.stylize(portrait, { style: "hayao", ...options }));
    const b = await lag(() => stylize(portrait, { style: "hayao", ...options }));
    const f = (r) => `${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} / ${r.max.toFixed(1)} ms`;
    console.log(`| ${name} | ${f(a)} | ${f(b)} | ${ms(a.ms)} | ${ms(b.ms)} |`);
  }
  await local.dispose();
  console.log();
}

if (section("batch")) {
  const inputs = quick ? await Promise.all(PHOTOS.map((n) => sharp(photo(n)).resize(512, 512, { fit: "inside" }).png().toBuffer())) : PHOTOS.map(photo);
  const shapes = [
    ["1 worker × 2 threads", { workers: 1, threads: 2 }],
    ["2 workers × 1 thread", { workers: 2, threads: 1 }],
    ["in-thread, 2 threads", { worker: false, threads: 2 }],
  ];
  const stylizers = shapes.map(([, o]) => createStylizer({ style: "hayao", ...o }));
  for (const s of stylizers) await s.warmup({ sizes: [256] });
  const rounds = quick ? 1 : 2;
  const batch = shapes.map(() => []);
  const single = shapes.map(() => []);
  // Interleaved rounds: the machine's load drifts; every shape sees the same conditions.
  for (let r = 0; r < rounds; r++) {
    for (const [i, s] of stylizers.entries()) {
      const t0 = performance.now();
      for await (const item of s.stylizeMany(inputs)) if (item.error) throw item.error;
      batch[i].push(performance.now() - t0);
      const t1 = performance.now();
      await s.stylize(photo("china.jpg"));
      single[i].push(performance.now() - t1);
    }
  }
  console.log(`## The 8 shared photos through stylizeMany (hayao, warm; best of ${rounds} interleaved rounds)\n`);
  console.log("| shape | batch time | photos/min | vs in-thread | one 640×427 photo |");
  console.log("|---|---|---|---|---|");
  const best = batch.map((xs) => Math.min(...xs));
  for (const [i, [name]] of shapes.entries()) {
    console.log(`| ${name} | ${ms(best[i])} | ${((8 * 60000) / best[i]).toFixed(1)} | ${(best[2] / best[i]).toFixed(2)}× | ${ms(Math.min(...single[i]))} |`);
  }
  for (const s of stylizers) await s.dispose();
  console.log();
}

if (section("warmup")) {
  console.log(`## Time to first result (hayao, 1 worker × ${cores} threads): cold vs after warmup({ sizes: [${side}] })\n`);
  console.log(`| | first ${side}² photo | first 640×427 photo (a size not warmed) | warmup() itself |`);
  console.log("|---|---|---|---|");
  const first = async (stylizer, input) => { const t = performance.now(); await stylizer.stylize(input); return performance.now() - t; };
  const colds = [];
  for (const input of [portrait, photo("china.jpg")]) {
    const s = createStylizer({ style: "hayao" });
    colds.push(await first(s, input));
    await s.dispose();
  }
  const warmed = [];
  let warmupMs = 0;
  for (const input of [portrait, photo("china.jpg")]) {
    const s = createStylizer({ style: "hayao" });
    const t = performance.now();
    await s.warmup({ styles: ["hayao"], sizes: [side] });
    warmupMs = performance.now() - t;
    warmed.push(await first(s, input));
    await s.dispose();
  }
  console.log(`| cold | ${ms(colds[0])} | ${ms(colds[1])} | – |`);
  console.log(`| after warmup() | ${ms(warmed[0])} (${(colds[0] / warmed[0]).toFixed(1)}× faster) | ${ms(warmed[1])} (${(colds[1] / warmed[1]).toFixed(1)}×) | ${ms(warmupMs)} |\n`);
}

if (section("rss")) {
  console.log(`## Resident memory per worker (hayao, warmed at ${side}²)\n`);
  const rss = () => process.memoryUsage().rss;
  const base = rss();
  const one = createStylizer({ workers: 1, threads: 1, style: "hayao" });
  await one.warmup({ sizes: [side] });
  const withOne = rss();
  const two = createStylizer({ workers: 2, threads: 1, style: "hayao" });
  await two.warmup({ sizes: [side] });
  const withThree = rss();
  console.log(`| process before | 1 worker | 3 workers | per worker |`);
  console.log(`|---|---|---|---|`);
  console.log(`| ${mb(base)} | +${mb(withOne - base)} | +${mb(withThree - base)} | ~${mb((withThree - base) / 3)} |\n`);
  await one.dispose();
  await two.dispose();
}

if (section("piscina")) {
  console.log("## Our pool vs piscina 5 (1 worker × 2 threads, the same pipeline in the worker)\n");
  const input = await sharp(photo("china.jpg")).resize(128).png().toBuffer();
  const ours = createStylizer({ workers: 1, threads: 2, style: "hayao" });
  const pool = new Piscina({ filename: new URL("./piscina-task.mjs", import.meta.url).href, maxThreads: 1, minThreads: 1, workerData: { threads: 2 } });
  const run = (signal) => pool.run({ input }, signal ? { signal } : {});
  await ours.stylize(input);
  await run();
  const n = quick ? 10 : 30;
  const round = async (fn) => { const t = performance.now(); for (let i = 0; i < n; i++) await fn(); return (performance.now() - t) / n; };
  const [a1, b1, a2, b2] = [await round(() => ours.stylize(input)), await round(() => run()), await round(() => ours.stylize(input)), await round(() => run())];
  // Abort a running job, then time the next job: piscina ends the worker on abort, so the
  // next job opens the model again; our pool tells the worker to stop at the next stage.
  // Abort a running 640×427 job 30 ms in, then time the next 128 px job: piscina ends the
  // worker on abort, so that job starts a worker and opens the model again; our pool tells
  // the worker to stop at the next stage boundary and keeps its sessions.
  const afterAbort = async (big, small) => {
    const controller = new AbortController();
    const job = big(controller.signal).catch(() => {});
    await new Promise((r) => setTimeout(r, 30));
    const t = performance.now();
    controller.abort();
    await job;
    await small();
    return performance.now() - t;
  };
  const oursAbort = await afterAbort((signal) => ours.stylize(photo("china.jpg"), { signal }), () => ours.stylize(input));
  const piscinaAbort = await afterAbort((signal) => pool.run({ input: photo("china.jpg") }, { signal }), () => run());
  console.log("| | 128 px job (round trip) | abort a running job, then a 128 px job | progress events | stop at stage boundary |");
  console.log("|---|---|---|---|---|");
  console.log(`| ours | ${ms(Math.min(a1, a2))} | ${ms(oursAbort)} | yes | yes |`);
  console.log(`| piscina | ${ms(Math.min(b1, b2))} | ${ms(piscinaAbort)} | needs a MessagePort per task | no: abort ends the worker |\n`);
  await ours.dispose();
  await pool.destroy();
}
