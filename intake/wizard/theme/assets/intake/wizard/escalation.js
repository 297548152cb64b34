// Escalating a request: what the customer typed as its reference, checked before they go on.
// A request made in this browser is known from the outbox; otherwise the desk is asked
// (`GET {endpoint}/{reference}`) when there is one. The desk not knowing the reference is an
// error the customer can fix; the desk not answering is not (the escalation still goes).

import { normalizeReference, isRequestId, referenceFor } from "./reference.js";
import * as outbox from "./outbox.js";
import { lookup } from "./deliver.js";

/**
 * @param {{endpoint: string, timeout: number}} cfg the delivery options @param {string} typed
 * @returns {Promise<{reference?: string, known?: any, error?: string}>}
 */
export async function checkReference(cfg, typed) {
  const text = String(typed || "").trim();
  // A request id from an earlier confirmation: its reference is derived from it.
  const reference = normalizeReference(text) || (isRequestId(text) ? await referenceFor(text.toLowerCase()) : null);
  if (!reference) return { error: "Enter the reference as it appears on your confirmation, like 7K3M-Q9XA" };
  const mine = outbox.known(reference) || (isRequestId(text) ? outbox.known(text.toLowerCase()) : undefined);
  if (mine) {
    const p = mine.payload;
    return { reference, known: { source: "browser", id: p.id, at: mine.at, summary: p.problem?.summary || null, requester: p.requester || null } };
  }
  if (!cfg.endpoint) return { reference, known: null };
  try {
    const desk = await lookup(cfg.endpoint, reference, cfg.timeout * 1000);
    if (!desk) return { error: `Support has no request with the reference ${reference}. Check it against your confirmation.` };
    return { reference, known: { source: "desk", ...desk } };
  } catch {
    return { reference, known: null };
  }
}
