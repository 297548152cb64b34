// Runs the browser engine (the same module file the site publishes) over many vectors in
// one Node.js process. argv: ENGINE_PATH POLICY_JSON VECTORS_JSONL [full|hash]; prints one
// line per vector (`fn: "outcomeSoFar"` or `fn: "businessSecondsBetween"` in a vector calls that function instead of classify): the JSON of {"ok": classification} or {"error": first line, "paths": [...]},
// or (hash mode) the sha256 of that JSON text, to keep 100,000s of results small.
import crypto from "node:crypto";
import fs from "node:fs";
import { pathToFileURL } from "node:url";

const [enginePath, policyPath, vectorsPath, mode = "full"] = process.argv.slice(2);
const engine = await import(pathToFileURL(enginePath).href);
const policy = JSON.parse(fs.readFileSync(policyPath, "utf8"));
const lines = fs.readFileSync(vectorsPath, "utf8").split("\n").filter(Boolean);
let buf = [];
for (const line of lines) {
  const v = JSON.parse(line);
  let result;
  try {
    if (v.fn === "businessSecondsBetween") result = { ok: engine.businessSecondsBetween(policy, v.start, v.end) };
    else result = { ok: v.fn === "outcomeSoFar" ? engine.outcomeSoFar(policy, v.answers, v.at) : engine.classify(policy, v.answers, v.at) };
  } catch (err) {
    if (!(err instanceof engine.EngineError)) throw err;
    result = { error: err.message.split("\n")[0], paths: err.problems.map((p) => p.path).sort() };
  }
  const text = JSON.stringify(result);
  buf.push(mode === "hash" ? crypto.createHash("sha256").update(text, "utf8").digest("hex") : text);
  if (buf.length >= 5000) {
    fs.writeSync(1, buf.join("\n") + "\n");
    buf = [];
  }
}
if (buf.length) fs.writeSync(1, buf.join("\n") + "\n");
