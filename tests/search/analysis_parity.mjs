// Runs the browser analyzer over texts given by test_analysis_parity.py.
// stdin: {"stop_words": [...], "texts": [...], "words": [...]}
// stdout: {"streams": [sha1 of each text's "term@pos" stream], "terms": [term of each word or null]}
import { createHash } from "node:crypto";
import { analyze, term } from "../../kbtools/theme/assets/search/analysis.js";

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const { stop_words, texts, words } = JSON.parse(input);
const stops = new Set(stop_words);
const streams = texts.map((t) => createHash("sha1").update(analyze(t, stops).map(([w, p]) => `${w}@${p}`).join(" "), "utf8").digest("hex"));
const terms = words.map((w) => term(w, stops));
process.stdout.write(JSON.stringify({ streams, terms }));
