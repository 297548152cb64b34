// The Porter stemmer: a line-for-line twin of kbtools/search/stemmer.py.
// Only lower-case ASCII words are passed in (analysis.js decides that).
const STEP2 = {
  ational: "ate", tional: "tion", enci: "ence", anci: "ance", izer: "ize", bli: "ble",
  alli: "al", entli: "ent", eli: "e", ousli: "ous", ization: "ize", ation: "ate",
  ator: "ate", alism: "al", iveness: "ive", fulness: "ful", ousness: "ous", aliti: "al",
  iviti: "ive", biliti: "ble", logi: "log",
};
const STEP3 = { icate: "ic", ative: "", alize: "al", iciti: "ic", ical: "ic", ful: "", ness: "" };
const c = "[^aeiou]", v = "[aeiouy]", C = c + "[^aeiouy]*", V = v + "[aeiou]*";
const MGR0 = new RegExp("^(" + C + ")?" + V + C);
const MEQ1 = new RegExp("^(" + C + ")?" + V + C + "(" + V + ")?$");
const MGR1 = new RegExp("^(" + C + ")?" + V + C + V + C);
const S_V = new RegExp("^(" + C + ")?" + v);
const CVC = new RegExp("^" + C + v + "[^aeiouwxy]$");
const R1A_1 = /^(.+?)(ss|i)es$/, R1A_2 = /^(.+?)([^s])s$/;
const R1B_1 = /^(.+?)eed$/, R1B_2 = /^(.+?)(ed|ing)$/;
const AT_BL_IZ = /(at|bl|iz)$/, DOUBLE = /([^aeiouylsz])\1$/, R1C = /^(.+?)y$/;
const R2 = new RegExp("^(.+?)(" + Object.keys(STEP2).join("|") + ")$");
const R3 = new RegExp("^(.+?)(" + Object.keys(STEP3).join("|") + ")$");
const R4_1 = /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/;
const R4_2 = /^(.+?)(s|t)(ion)$/;
const R5 = /^(.+?)e$/;

/** The Porter stem of a lower-case ASCII word. @param {string} w @returns {string} */
export function stem(w) {
  if (w.length < 3) return w;
  const firstY = w[0] === "y";
  if (firstY) w = "Y" + w.slice(1);
  let m = R1A_1.exec(w) || R1A_2.exec(w);
  if (m) w = m[1] + m[2];
  m = R1B_1.exec(w);
  if (m) {
    if (MGR0.test(m[1])) w = w.slice(0, -1);
  } else {
    m = R1B_2.exec(w);
    if (m && S_V.test(m[1])) {
      w = m[1];
      if (AT_BL_IZ.test(w)) w += "e";
      else if (DOUBLE.test(w)) w = w.slice(0, -1);
      else if (CVC.test(w)) w += "e";
    }
  }
  m = R1C.exec(w);
  if (m && S_V.test(m[1])) w = m[1] + "i";
  m = R2.exec(w);
  if (m && MGR0.test(m[1])) w = m[1] + STEP2[m[2]];
  m = R3.exec(w);
  if (m && MGR0.test(m[1])) w = m[1] + STEP3[m[2]];
  m = R4_1.exec(w);
  if (m) {
    if (MGR1.test(m[1])) w = m[1];
  } else {
    m = R4_2.exec(w);
    if (m && MGR1.test(m[1] + m[2])) w = m[1] + m[2];
  }
  m = R5.exec(w);
  if (m) {
    const s = m[1];
    if (MGR1.test(s) || (MEQ1.test(s) && !CVC.test(s))) w = s;
  }
  if (w.endsWith("ll") && MGR1.test(w)) w = w.slice(0, -1);
  if (firstY) w = "y" + w.slice(1);
  return w;
}
