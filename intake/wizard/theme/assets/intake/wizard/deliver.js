// Getting a finished payload to the support desk: POST with a timeout and retries, an
// email link, a download and a copy. Owns no state: send.js decides when to call what and
// keeps the payload until it is delivered.

export class DeliveryError extends Error {}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

/** One POST; resolves {reference} or throws DeliveryError with a plain reason. */
export async function postOnce(url, payload, timeoutMs) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    // The payload id doubles as an idempotency key: a retry after a lost answer must not
    // create a second request at the desk.
    const res = await fetch(url, {
      method: "POST", body: JSON.stringify(payload), signal: ctl.signal, credentials: "omit",
      headers: { "Content-Type": "application/json", "Idempotency-Key": payload.id },
    });
    if (!res.ok) throw new DeliveryError(`the support desk answered “${res.status} ${res.statusText}”`.replace(" ”", "”"));
    let body = {};
    try { body = await res.json(); } catch { /* a plain 200 is fine */ }
    const ref = body && typeof body.reference === "string" && body.reference.trim() ? body.reference.trim().slice(0, 200) : payload.id;
    return { reference: ref };
  } catch (exc) {
    if (exc instanceof DeliveryError) throw exc;
    if (exc.name === "AbortError") throw new DeliveryError(`the support desk did not answer within ${Math.round(timeoutMs / 1000)} seconds`);
    throw new DeliveryError("the support desk could not be reached (you may be offline)");
  } finally {
    clearTimeout(timer);
  }
}

/** POST with `retries` more tries after a failure (1 s, then 2 s, ... apart). */
export async function post(url, payload, { timeoutMs, retries, onRetry }) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await postOnce(url, payload, timeoutMs);
    } catch (exc) {
      if (attempt >= retries) throw exc;
      onRetry?.(attempt + 1, exc);
      await wait(1000 * 2 ** attempt);
    }
  }
}

const MAILTO_LIMIT = 16000; // longer links are cut by some mail programs

/** A mailto: link with the readable summary and, when it fits, the JSON. */
export function mailto(to, subject, summary, payload) {
  const json = JSON.stringify(payload, null, 2);
  const make = (body) => `mailto:${encodeURIComponent(to).replace(/%40/g, "@")}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
  const full = make(`${summary}\n\n--- Request data (JSON, for the support desk) ---\n${json}\n`);
  if (full.length <= MAILTO_LIMIT) return full;
  return make(`${summary.slice(0, 6000)}\n\nThe request data is too long for an email link: please attach the file you can download from the request page (support-request-${payload.id}.json).\n`);
}

export function download(payload) {
  const blob = new Blob([JSON.stringify(payload, null, 2)], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `support-request-${payload.id}.json`;
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
