// Runs the browser engine (assets/search/engine.js) under node over an exported index.
// argv[2]: the index folder; stdin: [{q, filters, limit}]; stdout: [{hits: [[doc, score]], total, didYouMean}]
import { readFile } from "node:fs/promises";
import { openIndex } from "../../kbtools/theme/assets/search/engine.js";

const root = process.argv[2].endsWith("/") ? process.argv[2] : process.argv[2] + "/";
let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const ix = await openIndex(root, {
  text: (rel) => readFile(root + rel, "utf8"),
  bytes: async (rel) => new Uint8Array(await readFile(root + rel)),
});
const out = [];
for (const { q, filters, limit } of JSON.parse(input)) {
  const res = await ix.run(q, limit ?? 10, filters || {});
  out.push({ hits: res.hits, total: res.total, didYouMean: res.didYouMean });
}
process.stdout.write(JSON.stringify(out));
