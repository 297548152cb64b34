// Requests made in this browser (localStorage `kb.request.outbox`, format in
// intake/wizard/README.md): each finished payload, its reference and how far its delivery
// got. A payload is stored here before any delivery is tried and is never removed while it
// has not reached the desk, so a failed POST, a closed tab, a reload or a new request
// started meanwhile loses nothing. The references here are "known to this browser" when
// the customer escalates one.

export const KEY = "kb.request.outbox";
const FORMAT = "kb-request-outbox";
const KEEP = 20; // delivered or prepared requests remembered; unsent ones are always kept

/**
 * @typedef {{payload: any, reference: string|null, status: "ready"|"sending"|"failed"|"delivered",
 *   post: boolean, route: string|null, facts: {label: string, text: string}[], at: string, via?: string, desk?: any, honeypot?: string}} Item
 */

/** Every stored request, oldest first. @returns {Item[]} */
export function all(storage = globalThis.localStorage) {
  try {
    const d = JSON.parse(storage.getItem(KEY) || "null");
    if (!d || d.format !== FORMAT || d.version !== 1 || !Array.isArray(d.items)) return [];
    return d.items.filter((x) => x && typeof x === "object" && x.payload && typeof x.payload.id === "string" && typeof x.status === "string");
  } catch { return []; }
}

function save(items, storage) {
  const keep = items.filter((x, i) => x.status !== "delivered" && !x.via || i >= items.length - KEEP);
  try { storage.setItem(KEY, JSON.stringify({ format: FORMAT, version: 1, items: keep })); return true; } catch { return false; }
}

/** The request with this payload id. @param {string} id @returns {Item|undefined} */
export const get = (id, storage = globalThis.localStorage) => all(storage).find((x) => x.payload.id === id);

/** Add or change the request with `item.payload.id` (read-modify-write: another tab may have changed others). */
export function put(item, storage = globalThis.localStorage) {
  const items = all(storage).filter((x) => x.payload.id !== item.payload.id);
  return save([...items, item], storage);
}

/** Change some fields of a stored request; returns it, or undefined when it is gone. */
export function update(id, change, storage = globalThis.localStorage) {
  const item = get(id, storage);
  if (item) put(Object.assign(item, change), storage);
  return item;
}

/** A request of this browser by its reference (or its id), the newest first. */
export const known = (ref, storage = globalThis.localStorage) => all(storage).reverse().find((x) => x.reference === ref || x.payload.id === ref);

/** The newest request. */
export const latest = (storage = globalThis.localStorage) => all(storage).pop();
