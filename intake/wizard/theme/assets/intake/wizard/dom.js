// Building DOM without HTML strings: every text goes through textContent, so whatever a
// person typed or an article supplied is shown as text and never parsed as markup.

/**
 * h("p", {class: "x", onclick: fn}, "text", child, [more]) -> HTMLElement.
 * Attributes with null/undefined/false values are left out.
 */
export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = String(v);
    else if (k in el && (k === "value" || k === "checked")) el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, kids);
  return el;
}

/** Append children, skipping null/undefined/false (the DOM's own append would print "null"). */
export const add = (el, ...kids) => append(el, kids);
/** Replace the children, with add()'s rules. */
export const fill = (el, ...kids) => { el.replaceChildren(); append(el, kids); };

function append(el, kids) {
  for (const k of kids) {
    if (k === null || k === undefined || k === false) continue;
    if (Array.isArray(k)) append(el, k);
    else el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
}

export const hidden = (text) => h("span", { class: "kb-visually-hidden" }, text);
