// The saved draft in localStorage (format: intake/wizard/README.md, "Draft format").
// Owns reading, writing, checking and upgrading the draft; not what the answers mean.
// A draft that is not ours, corrupt or edited by hand is discarded with a reason, never
// trusted: the reason is shown to the person.

import { NONE, fieldError } from "./flow.js";
import { own } from "./text.js";

export const KEY = "kb.request.draft";
export const LAST = "kb.request.last";
export const FORMAT = "kb-request-draft";
export const VERSION = 2;

/** FNV-1a over UTF-16 units: catches edits and truncation, not an attacker (none here). @param {string} text */
export function checksum(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h.toString(16).padStart(8, "0");
}

/** @returns {any} an empty request */
export function newState() {
  return { id: uuid(), answers: {}, seen: [], kb: { queries: [], suggested: [], opened: [], helped: null }, article: null, sent: null, known: null };
}

export function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const x = Array.from(b, (v) => v.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Serialise a draft (with its checksum). */
export function encode(state, meta) {
  const b = { format: FORMAT, version: VERSION, policy_version: meta.policy_version, form_version: meta.form_version, saved_at: new Date().toISOString(), state };
  return JSON.stringify({ ...b, sum: checksum(JSON.stringify(b)) });
}

const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const strList = (v) => Array.isArray(v) && v.every((x) => typeof x === "string");
const scalar = (x) => ["string", "boolean", "number"].includes(typeof x);
const strOrNull = (v) => v === null || typeof v === "string";

/**
 * Parse a stored draft: {state, policy_version, form_version, old?: the version-1 outbox}
 * or {discarded: reason} or null (none). A version-1 draft (one page per question) is
 * returned as it was, with `version: 1`: `upgrade()` turns its answers into this form's.
 */
export function decode(text) {
  if (text === null || text === undefined) return null;
  let d;
  try { d = JSON.parse(text); } catch { return { discarded: "it could not be read" }; }
  if (!isObj(d) || d.format !== FORMAT) return { discarded: "it is not a saved request" };
  if (d.version !== VERSION && d.version !== 1) return { discarded: `it was saved in a format this page does not read (version ${String(d.version).slice(0, 20)})` };
  const { sum, ...rest } = d;
  if (sum !== checksum(JSON.stringify(rest))) return { discarded: "it was changed outside this page" };
  const s = d.state;
  const ok = isObj(s) && typeof s.id === "string" && isObj(s.answers) && strList(s.seen) && isObj(s.kb) &&
    strList(s.kb.queries) && strList(s.kb.suggested) && strList(s.kb.opened) && strOrNull(s.kb.helped) && strOrNull(s.article) &&
    (d.version === 1 ? s.outbox === null || isObj(s.outbox) : strOrNull(s.sent) && (s.known === null || isObj(s.known))) &&
    Object.values(s.answers).every((v) => scalar(v) || (Array.isArray(v) && v.every(scalar)));
  if (!ok) return { discarded: "it is incomplete or damaged" };
  if (d.version === 1) {
    const { outbox, ...state } = s;
    return { state: { ...state, sent: null, known: null }, version: 1, old: outbox, policy_version: d.policy_version, form_version: d.form_version };
  }
  return { state: s, version: VERSION, policy_version: d.policy_version, form_version: d.form_version };
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
 * A version-1 draft (one page per question) in this form's terms: the answers of the
 * policy questions a checkbox screen now asks become its ticks when every one of them was
 * answered; otherwise the screen is listed to answer again (its title is returned). The
 * escalation's reference keeps what was typed. Nothing typed is dropped here.
 * @param {any} state @param {any} form the resolved form @returns {string[]} screens to answer again
 */
export function upgrade(state, form) {
  const a = state.answers;
  const again = [];
  if ("esc_request_id" in a && !("esc_reference" in a)) a.esc_reference = a.esc_request_id;
  delete a.esc_request_id;
  for (const step of form.steps) {
    for (const f of step.fields || []) {
      if (f.type !== "checkboxes" || !f.options.some((o) => o.question || "payload" in o)) continue;
      const keys = f.options.map((o) => (o.question ? o.question : o.value));
      const given = keys.filter((k) => own(a, k) !== undefined);
      if (given.length === keys.length) {
        const on = f.options.filter((o) => String(own(a, o.question || o.value)) === String(o.question ? o.ticked : "yes")).map((o) => o.value);
        a[f.id] = on.length || !f.none_option ? on : [NONE];
      } else if (given.length) {
        again.push(step.title);
      }
      for (const k of keys) delete a[k];
    }
  }
  return again;
}

/**
 * A draft saved under another policy or form version: keep each answer the current form
 * still accepts, drop the others and return the labels of the questions to answer again.
 */
export function migrate(state, fields, stepIds) {
  const again = [];
  const known = new Set(stepIds);
  for (const f of fields) {
    if (!Object.hasOwn(state.answers, f.id)) continue;
    if (fieldError({ ...f, optional: true }, state.answers[f.id], state.answers)) {
      delete state.answers[f.id];
      again.push(f.label);
    }
  }
  for (const id of Object.keys(state.answers)) if (!fields.some((f) => f.id === id)) delete state.answers[id];
  state.seen = state.seen.filter((id) => known.has(id));
  return again;
}
