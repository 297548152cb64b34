// Text analysis: a twin of kbtools/search/analysis.py (read its docstring for the rules).
// The stop words come from the index manifest, so the build and the browser use one list.
import { stem } from "./stemmer.js";

export const ANALYZER_ID = "kb-porter-2";
const MAX_TOKEN = 64;
const APOSTROPHE = /(?<=[\p{L}\p{N}])['\u2019](?=[\p{L}\p{N}])/gu;
const TOKEN = /[\p{L}\p{N}]+(?:[._-][\p{L}\p{N}]+)*/gu;
const CONNECTOR = /[._-]/;
const ASCII_WORD = /^[a-z]+$/;
const HEX = /^0x[0-9a-f]{4,}$/;

export { stem };

/** @param {string} text */
export function normalize(text) {
  return text.toLowerCase().replace(APOSTROPHE, "");
}

/** The index term of one simple word, or null for a stop word.
 * @param {string} word @param {Set<string>} stops */
export function term(word, stops) {
  if (stops.has(word)) return null;
  return ASCII_WORD.test(word) ? stem(word) : word;
}

/** [term, position] pairs of a text, in order. @param {string} text @param {Set<string>} stops */
export function analyze(text, stops) {
  const out = [];
  let pos = 0;
  for (const m of normalize(text).matchAll(TOKEN)) {
    const word = m[0];
    if (Array.from(word).length > MAX_TOKEN) { pos += 1; continue; }
    const parts = word.split(CONNECTOR);
    if (parts.length === 1) {
      const t = term(word, stops);
      if (t !== null) {
        out.push([t, pos]);
        if (HEX.test(word)) out.push([word.slice(2), pos]);
      }
      pos += 1;
      continue;
    }
    out.push([word, pos]);
    if (!word.includes(".") && !word.includes("_")) {
      const t = term(parts.join(""), stops);
      if (t !== null) out.push([t, pos]);
    }
    parts.forEach((part, i) => {
      if (Array.from(part).length === 1 && !(part >= "0" && part <= "9")) return;
      const t = term(part, stops);
      if (t !== null) out.push([t, pos + i]);
    });
    pos += parts.length;
  }
  return out;
}

/** The raw lower-cased tokens of a text. @param {string} text */
export function words(text) {
  return normalize(text).match(TOKEN) || [];
}

/** [kind of article the question asks for or "", its tokens without the dropped framing]:
 * analysis.py's frame(), over the framing list of the manifest.
 * @param {string[]} tokens @param {[string, string[], boolean][]} framing @returns {[string, string[]]} */
export function frame(tokens, framing) {
  let kind = "", i = 0;
  const kept = [];
  outer: while (i < tokens.length) {
    for (const [k, phrase, drop] of framing) {
      if (phrase.every((w, j) => tokens[i + j] === w)) {
        kind = kind || k;
        if (drop) { i += phrase.length; continue outer; }
      }
    }
    kept.push(tokens[i]);
    i += 1;
  }
  return [kind, kept];
}
