// The saved draft in localStorage (format: intake/wizard/README.md, "Draft format").
// Owns reading, writing, checking and migrating the draft; not what the answers mean.
// A draft that is not ours, corrupt or edited by hand is discarded with a reason, never
// trusted: the reason is shown to the person.

export const KEY = "kb.request.draft";
export const LAST = "kb.request.last";
export const FORMAT = "kb-request-draft";
export const VERSION = 1;

/** FNV-1a over UTF-16 units: catches edits and truncation, not an attacker (none here). */
export function checksum(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h.toString(16).padStart(8, "0");
}

export function newState() {
  return { id: uuid(), answers: {}, seen: [], kb: { queries: [], suggested: [], opened: [], helped: null }, article: null, outbox: null };
}

export function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function body(state, meta) {
  return { format: FORMAT, version: VERSION, policy_version: meta.policy_version, form_version: meta.form_version, saved_at: new Date().toISOString(), state };
}

/** Serialise a draft (with its checksum). */
export function encode(state, meta) {
  const b = body(state, meta);
  return JSON.stringify({ ...b, sum: checksum(JSON.stringify(b)) });
}

const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const strList = (v) => Array.isArray(v) && v.every((x) => typeof x === "string");

/**
 * Parse a stored draft. Returns {state, policy_version} or {discarded: reason} or null (none).
 */
export function decode(text) {
  if (text === null || text === undefined) return null;
  let d;
  try { d = JSON.parse(text); } catch { return { discarded: "it could not be read" }; }
  if (!isObj(d) || d.format !== FORMAT) return { discarded: "it is not a saved request" };
  if (d.version !== VERSION) return { discarded: `it was saved in a format this page does not read (version ${String(d.version).slice(0, 20)})` };
  const { sum, ...rest } = d;
  if (sum !== checksum(JSON.stringify(rest))) return { discarded: "it was changed outside this page" };
  const s = d.state;
  const ok = isObj(s) && typeof s.id === "string" && isObj(s.answers) && strList(s.seen) && isObj(s.kb) &&
    strList(s.kb.queries) && strList(s.kb.suggested) && strList(s.kb.opened) &&
    (s.kb.helped === null || typeof s.kb.helped === "string") && (s.article === null || typeof s.article === "string") &&
    (s.outbox === null || isObj(s.outbox)) &&
    Object.values(s.answers).every((v) => ["string", "boolean", "number"].includes(typeof v) || (Array.isArray(v) && v.every((x) => ["string", "boolean", "number"].includes(typeof x))));
  if (!ok) return { discarded: "it is incomplete or damaged" };
  return { state: s, policy_version: d.policy_version, form_version: d.form_version };
}

export function read(storage = globalThis.localStorage) {
  try { return decode(storage.getItem(KEY)); } catch { return null; }
}

/** Write the draft; false when storage is full or off (the caller says so once). */
export function write(state, meta, storage = globalThis.localStorage) {
  try { storage.setItem(KEY, encode(state, meta)); return true; } catch { return false; }
}

export function clear(storage = globalThis.localStorage) {
  try { storage.removeItem(KEY); } catch { /* storage off */ }
}

/**
 * A draft saved under another policy or form version: keep each answer the current form
 * still accepts, drop the others and return the labels of the questions to answer again.
 * `fieldError(field, value, answers)` decides what is still valid.
 */
export function migrate(state, fields, stepIds, fieldError) {
  const again = [];
  const known = new Set(stepIds);
  for (const f of fields) {
    if (!(f.id in state.answers)) continue;
    if (fieldError({ ...f, optional: true }, state.answers[f.id], state.answers)) {
      delete state.answers[f.id];
      again.push(f.label);
    }
  }
  for (const id of Object.keys(state.answers)) if (!fields.some((f) => f.id === id)) delete state.answers[id];
  state.seen = state.seen.filter((id) => known.has(id));
  return again;
}
