// Text as the payload's schema wants it, whatever was typed, pasted or read from an
// article: one-line fields never hold a line break (they become email subjects and ticket
// titles), no control characters, no lone surrogates, and cuts fall between characters as
// a person sees them (grapheme clusters), never inside an emoji.

/** `obj[key]` only when it is the object's own property: ids such as "constructor" or
 * "__proto__" are data, never the prototype's members. @param {object} obj @param {string} key */
export const own = (obj, key) => (obj != null && Object.hasOwn(obj, key) ? obj[key] : undefined);

/** A fresh map-like object without a prototype. @returns {Record<string, any>} */
export const dict = () => Object.create(null);

// C0 and C1 controls except tab and line feed; DEL.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u0084\u0086-\u009f]/g;
const BREAKS = /\r\n?|[\n\u0085\u2028\u2029]/g;

/** Lone surrogates (a half-cut emoji) become U+FFFD. @param {string} s */
const wellFormed = (s) => (s.toWellFormed ? s.toWellFormed() : s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"));

/** One line: every line break or separator becomes a space, controls go. @param {string} s */
export const oneLine = (s) => wellFormed(String(s)).replace(BREAKS, " ").replace(/\t/g, " ").replace(CONTROLS, "");

/** Several lines: breaks become "\n", controls go. @param {string} s */
export const lines = (s) => wellFormed(String(s)).replace(BREAKS, "\n").replace(CONTROLS, "");

const segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

/**
 * At most `max` code points, cut between grapheme clusters ("…" marks a cut when `mark`).
 * @param {string} s @param {number} max @param {boolean} [mark]
 */
export function cut(s, max, mark = false) {
  s = wellFormed(String(s));
  if ([...s].length <= max) return s;
  const room = mark ? max - 1 : max;
  let out = "";
  let n = 0;
  const parts = segmenter ? Array.from(segmenter.segment(s), (x) => x.segment) : [...s];
  for (const g of parts) {
    const len = [...g].length;
    if (n + len > room) break;
    out += g;
    n += len;
  }
  return mark ? `${out}…` : out;
}
