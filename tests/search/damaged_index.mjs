// Runs the browser engine under node over one (damaged) index folder and says how it failed.
// argv[2]: the index folder; argv[3]: JSON {q, filters}. stdout: {"error": name, "message"} or {"ok": hits}
import { readFile } from "node:fs/promises";
import { openIndex, IndexFormatError } from "../../kbtools/theme/assets/search/engine.js";

const root = process.argv[2].endsWith("/") ? process.argv[2] : process.argv[2] + "/";
const { q, filters } = JSON.parse(process.argv[3]);
const loader = {
  text: async (rel) => new TextDecoder("utf-8", { fatal: true }).decode(await readFile(root + rel)),
  bytes: async (rel) => new Uint8Array(await readFile(root + rel)),
};
try {
  const ix = await openIndex(root, loader);
  const res = await ix.search(q, { limit: 10, filters: filters || {} });
  process.stdout.write(JSON.stringify({ ok: res.hits.map((h) => h.id) }));
} catch (e) {
  process.stdout.write(JSON.stringify({ error: e instanceof IndexFormatError ? "IndexFormatError" : e.constructor.name, message: String(e.message) }));
}
