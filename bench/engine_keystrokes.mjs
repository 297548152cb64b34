// Engine-only keystroke cost: replays typing a query one character at a time through the browser
// engine (assets/search/engine.js) under node, over a built site's index read from disk, and prints
// the median and p90 of each keystroke's wall time and CPU time (ranking + snippets' data, warm
// cache after the first query, as in the page). Unlike bench/run.py's keystroke latency it leaves
// out rendering and the browser, so the machine's load moves it less (CPU time).
//   node bench/engine_keystrokes.mjs SITE_DIR "scanner" " driver skips the last page again" [rounds]
import { readFile } from "node:fs/promises";
import { openIndex } from "../kbtools/theme/assets/search/engine.js";

const [site, first, typed, rounds = "5"] = process.argv.slice(2);
const root = new URL(`file://${site.replace(/\/$/, "")}/assets/search/index/`);
const loader = {
  text: async (rel) => readFile(new URL(rel, root), "utf8"),
  bytes: async (rel) => new Uint8Array(await readFile(new URL(rel, root))),
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
const ix = await openIndex(root, loader);
await ix.search(first, { limit: 10 });
const wall = [], cpu = [];
for (let r = 0; r < Number(rounds); r++) {
  let q = first;
  for (const ch of typed) {
    q += ch;
    const t0 = performance.now(), c0 = process.cpuUsage();
    await ix.search(q, { limit: 10 });
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
}
console.log(`${typed.length} keys x ${rounds} rounds over ${ix.manifest.doc_count} documents: ` +
  `wall median ${median(wall).toFixed(1)} ms (p90 ${p90(wall).toFixed(1)}), CPU median ${median(cpu).toFixed(1)} ms (p90 ${p90(cpu).toFixed(1)})`);
