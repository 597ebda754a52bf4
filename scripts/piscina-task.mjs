// The piscina side of bench-server.mjs's pool comparison: the same in-thread pipeline in a
// piscina worker, results moved back.
import { move, workerData } from "piscina";
import { createStylizer } from "../dist/node/index.js";

const stylizer = createStylizer({ worker: false, threads: workerData.threads, style: "hayao" });

export default async function ({ input }) {
  const out = await stylizer.stylize(input);
  return move(out.data);
}
