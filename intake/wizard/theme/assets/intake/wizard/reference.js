// The phone-readable request reference, the twin of intake/reference.py: the first 40 bits
// of SHA-256(payload id as UTF-8) in Crockford's base32, grouped XXXX-XXXX. The reference a
// customer writes down before sending is the one the desk stores (golden vectors in
// tests/intake/test_reference.py run here too).

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SHA-256 of bytes: the browser's (crypto.subtle, secure contexts only) or the fallback below. @param {Uint8Array} bytes @returns {Promise<Uint8Array>} */
export async function sha256(bytes) {
  if (globalThis.crypto?.subtle) return new Uint8Array(await crypto.subtle.digest("SHA-256", /** @type {BufferSource} */ (bytes)));
  return sha256Js(bytes);
}

/** @param {Uint8Array} bytes */
export const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** `7K3M-Q9XA` for a payload id. @param {string} id @returns {Promise<string>} */
export async function referenceFor(id) {
  const d = await sha256(new TextEncoder().encode(id));
  let bits = 0n;
  for (const b of d.slice(0, 5)) bits = (bits << 8n) | BigInt(b);
  let s = "";
  for (let shift = 35n; shift >= 0n; shift -= 5n) s += ALPHABET[Number((bits >> shift) & 31n)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** What a person typed (`7k3m q9xa`, `O` for 0, `I`/`L` for 1) -> `7K3M-Q9XA`, or null. @param {string} text */
export function normalizeReference(text) {
  const sym = [...String(text).toUpperCase()].filter((c) => !" -_.".includes(c));
  if (sym.length !== 8) return null;
  let out = "";
  for (const c of sym) {
    const v = c === "O" ? "0" : c === "I" || c === "L" ? "1" : c;
    if (!ALPHABET.includes(v)) return null;
    out += v;
  }
  return `${out.slice(0, 4)}-${out.slice(4)}`;
}

/** A request id as earlier confirmations showed it (a UUID): its reference is derived from it. @param {string} text */
export const isRequestId = (text) => UUID.test(String(text).trim());

// FIPS 180-4, for pages served without a secure context (plain http), where the browser
// offers no crypto.subtle. Small and slow; it hashes a few short strings per request.
const K = Uint32Array.from("428a2f98 71374491 b5c0fbcf e9b5dba5 3956c25b 59f111f1 923f82a4 ab1c5ed5 d807aa98 12835b01 243185be 550c7dc3 72be5d74 80deb1fe 9bdc06a7 c19bf174 e49b69c1 efbe4786 0fc19dc6 240ca1cc 2de92c6f 4a7484aa 5cb0a9dc 76f988da 983e5152 a831c66d b00327c8 bf597fc7 c6e00bf3 d5a79147 06ca6351 14292967 27b70a85 2e1b2138 4d2c6dfc 53380d13 650a7354 766a0abb 81c2c92e 92722c85 a2bfe8a1 a81a664b c24b8b70 c76c51a3 d192e819 d6990624 f40e3585 106aa070 19a4c116 1e376c08 2748774c 34b0bcb5 391c0cb3 4ed8aa4a 5b9cca4f 682e6ff3 748f82ee 78a5636f 84c87814 8cc70208 90befffa a4506ceb bef9a3f7 c67178f2".split(" "), (x) => parseInt(x, 16));

/** @param {Uint8Array} msg @returns {Uint8Array} */
export function sha256Js(msg) {
  const len = msg.length;
  const padded = new Uint8Array(((len + 9 + 63) >> 6) << 6);
  padded.set(msg);
  padded[len] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 4, len * 8);
  view.setUint32(padded.length - 8, Math.floor(len / 0x20000000));
  const H = Uint32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);
  const W = new Uint32Array(64);
  const r = (x, n) => (x >>> n) | (x << (32 - n));
  for (let o = 0; o < padded.length; o += 64) {
    for (let i = 0; i < 16; i++) W[i] = view.getUint32(o + i * 4);
    for (let i = 16; i < 64; i++) {
      const a = W[i - 15], b = W[i - 2];
      W[i] = W[i - 16] + (r(a, 7) ^ r(a, 18) ^ (a >>> 3)) + W[i - 7] + (r(b, 17) ^ r(b, 19) ^ (b >>> 10));
    }
    let [a, b, c, d, e, f, g, h] = H;
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (r(e, 6) ^ r(e, 11) ^ r(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + W[i]) >>> 0;
      const t2 = ((r(a, 2) ^ r(a, 13) ^ r(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      [h, g, f, e, d, c, b, a] = [g, f, e, (d + t1) >>> 0, c, b, a, (t1 + t2) >>> 0];
    }
    H.set([a, b, c, d, e, f, g, h].map((x, i) => (x + H[i]) >>> 0));
  }
  const out = new Uint8Array(32);
  H.forEach((x, i) => new DataView(out.buffer).setUint32(i * 4, x));
  return out;
}
