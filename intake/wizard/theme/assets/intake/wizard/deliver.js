// Talking to the support desk and to the customer's own tools: POST a payload (timeout,
// retries, a redirect is a failure), look a reference up, report a deflection, an email
// link, a download and a copy. Owns no state: the confirmation page decides when to call
// what, and the outbox keeps the payload until the desk has it (intake/wizard/README.md).

export class DeliveryError extends Error {
  /** @param {string} message @param {boolean} [retry] whether trying again may help @param {string[]} [problems] */
  constructor(message, retry = true, problems = []) { super(message); this.retry = retry; this.problems = problems; }
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const line = (v, n) => (typeof v === "string" ? v.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ").trim().slice(0, n) : null);

/** fetch with a timeout; the desk never sends cookies along. */
async function call(url, init, timeoutMs) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    return await fetch(url, { ...init, signal: ctl.signal, credentials: "omit" });
  } catch (exc) {
    if (exc.name === "AbortError") throw new DeliveryError(`the support desk did not answer within ${Math.round(timeoutMs / 1000)} seconds`);
    throw new DeliveryError("the support desk could not be reached (you may be offline)");
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One POST. Resolves the desk's answer {reference, priority, priority_label, response_hours,
 * respond_by, ...} (fields it did not give are null), or throws DeliveryError.
 * @param {string} url @param {any} payload @param {number} timeoutMs @param {Record<string, string>} [extra] headers
 */
export async function postOnce(url, payload, timeoutMs, extra = {}) {
  // The payload id is the idempotency key: a retry after a lost answer must not create a
  // second request at the desk. A redirect is refused, not followed: following one would
  // turn the POST into a GET without the request.
  const res = await call(url, {
    method: "POST", body: JSON.stringify(payload), redirect: "manual",
    headers: { "Content-Type": "application/json", "Idempotency-Key": payload.id, ...extra },
  }, timeoutMs);
  if (res.type === "opaqueredirect" || (res.status >= 300 && res.status < 400)) {
    throw new DeliveryError("the support desk's address sent us elsewhere (a redirect), so it did not receive the request", false);
  }
  let body = null;
  try { body = await res.json(); } catch { /* a bare 2xx is fine; an error without JSON says its status */ }
  if (res.status === 409) throw new DeliveryError("the support desk already has a different request with this id", false);
  if (res.status >= 400 && res.status < 500 && ![408, 429].includes(res.status)) {
    const errs = Array.isArray(body?.errors) ? body.errors.slice(0, 10).map((e) => line(`${e?.path ?? ""} ${e?.message ?? ""}`, 300)).filter(Boolean) : [];
    throw new DeliveryError(`the support desk refused the request (${res.status})`, false, errs);
  }
  if (!res.ok) throw new DeliveryError(`the support desk answered “${res.status}${res.statusText ? ` ${res.statusText}` : ""}”`);
  const b = body && typeof body === "object" ? body : {};
  return {
    reference: line(b.reference, 40), priority: line(b.priority, 10), priority_label: line(b.priority_label, 100),
    response_hours: typeof b.response_hours === "number" ? b.response_hours : null, respond_by: line(b.respond_by, 40), verified: b.verified === true,
  };
}

/** POST with `retries` more tries after a failure that may pass (1 s, then 2 s, ... apart). */
export async function post(url, payload, { timeoutMs, retries, onRetry, headers }) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await postOnce(url, payload, timeoutMs, headers);
    } catch (exc) {
      if (attempt >= retries || !exc.retry) throw exc;
      onRetry?.(attempt + 1, exc);
      await wait(1000 * 2 ** attempt);
    }
  }
}

/**
 * `GET {endpoint}/{reference}`: the desk's record {reference, priority, respond_by, state},
 * null when the desk does not know it (404); throws DeliveryError when it cannot say.
 */
export async function lookup(endpoint, reference, timeoutMs) {
  const res = await call(`${endpoint.replace(/\/$/, "")}/${encodeURIComponent(reference)}`, { redirect: "error" }, timeoutMs);
  if (res.status === 404) return null;
  if (!res.ok) throw new DeliveryError(`the support desk answered ${res.status}`);
  const b = await res.json().catch(() => ({}));
  return { reference: line(b.reference, 40) || reference, priority: line(b.priority, 10), respond_by: line(b.respond_by, 40), state: line(b.state, 40) };
}

/** "This solved it": told to the desk if it listens, never waited for, never retried. */
export function reportDeflection(url, record) {
  if (!url) return;
  try {
    fetch(url, { method: "POST", keepalive: true, credentials: "omit", headers: { "Content-Type": "application/json" }, body: JSON.stringify(record) }).catch(() => {});
  } catch { /* never in the customer's way */ }
}

/** A mailto: link. */
export const mailto = (to, subject, body) =>
  `mailto:${encodeURIComponent(to).replace(/%40/g, "@")}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;

export function download(payload, name) {
  const blob = new Blob([JSON.stringify(payload, null, 2)], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

export async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (an iframe, an old browser): the select-and-copy fallback.
    const ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed"; ta.style.opacity = "0";
    document.body.append(ta);
    ta.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch { ok = false; }
    ta.remove();
    return ok;
  }
}
