// What every screen of the wizard shares, in the GOV.UK patterns: the page title, focus on
// the heading, the error summary, the progress line, notices (what the policy decided so
// far, in its own words) and the partner's contact card. Imports nothing of the screens.

import { h } from "./dom.js";

const site = document.title.split(" - ").slice(-1)[0];

/** @param {string} text @param {boolean} [error] */
export function title(text, error = false) {
  document.title = `${error ? "Error: " : ""}${text} - ${site}`;
}

/** @param {HTMLElement} main */
export function focusHeading(main) {
  const h1 = main.querySelector("h1");
  if (h1) { h1.setAttribute("tabindex", "-1"); h1.focus({ preventScroll: false }); }
}

/** The screen's heading, with the progress line above it. @param {HTMLElement} main @param {string} text @param {string|null} [caption] */
export function heading(main, text, caption = null) {
  title(text);
  if (caption) main.append(h("p", { class: "kb-wz-caption", id: "kb-wz-progress" }, caption));
  main.append(h("h1", { "aria-describedby": caption ? "kb-wz-progress" : null }, text));
}

/** @param {{id: string, message: string}[]} errors */
export function errorSummary(errors) {
  return h("div", { class: "kb-wz-errors", role: "alert", tabindex: "-1", "aria-labelledby": "kb-wz-errors-title" },
    h("h2", { id: "kb-wz-errors-title" }, "There is a problem"),
    h("ul", null, errors.map((e) => h("li", null, h("a", {
      href: `#${e.id}`,
      // The link's target is a field, not a step: focus it here instead of letting the hash
      // change reach the router.
      onclick: (ev) => { ev.preventDefault(); const el = document.getElementById(e.id); el?.focus(); el?.scrollIntoView({ block: "center" }); },
    }, e.message)))));
}

/** A form with one submit button (the screen's main action). */
export const actionForm = (label, onsubmit, ...before) =>
  h("form", { novalidate: true, onsubmit: (ev) => { ev.preventDefault(); onsubmit(); } }, ...before,
    h("button", { type: "submit", class: "md-button md-button--primary kb-wz-continue" }, label));

export const safeUrl = (u) => (/^https?:\/\//i.test(u) ? u : "#");

/** The partner's contact card from the policy's partner directory. */
export function partnerCard(p) {
  if (!p) return null;
  return h("div", { class: "kb-wz-card" },
    h("h3", null, p.name),
    h("dl", { class: "kb-wz-dl" },
      p.email ? [h("dt", null, "Email"), h("dd", null, h("a", { href: `mailto:${p.email}` }, p.email))] : null,
      p.phone ? [h("dt", null, "Phone"), h("dd", null, p.phone)] : null,
      p.url ? [h("dt", null, "Support page"), h("dd", null, h("a", { href: safeUrl(p.url) }, p.url))] : null,
      p.submission ? [h("dt", null, "How to submit"), h("dd", null, p.submission)] : null),
    p.sample ? h("p", { class: "kb-wz-hint" }, "Sample partner data.") : null);
}

/** The engine's own sentences about `about` ("route", "eligibility" with its exclusions...). */
export function explanations(c, ...about) {
  return (c?.explanations || []).filter((e) => about.includes(e.about)).map((e) => e.text).filter(Boolean);
}

/**
 * A notice of form.yml (`notices:`) as it applies now: title, the policy's explanation,
 * the partner's card, body and options (with links to site pages).
 */
export function notice(app, n, c) {
  const lines = n.show === "partner" ? explanations(c, "route") : n.show === "eligibility" ? explanations(c, "eligibility", "exclusion") : [];
  return h("div", { class: "kb-wz-notice-box" },
    h("h2", null, n.title),
    lines.length ? h("ul", { class: "kb-wz-explain" }, lines.map((t) => h("li", null, t))) : null,
    n.show === "partner" ? partnerCard(app.policy.partner(c?.route)) : null,
    n.body ? h("p", null, n.body) : null,
    n.options ? [h("h3", null, "Your options"), h("ul", null, n.options.map((o) => h("li", null, typeof o === "string" ? o : [o.text, o.link ? [" (", h("a", { href: new URL(o.link, app.base).href }, o.link_text || o.link), ")"] : null, "."])))] : null);
}

/** `Tuesday 10 March 2026, 11:15 PDT`: an instant in a time zone. @param {string} iso @param {string} tz */
export const when = (iso, tz) => new Intl.DateTimeFormat("en-GB", {
  weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: tz, timeZoneName: "short",
}).format(new Date(iso));

/** The respond-by time in the customer's zone, and the desk's when it differs (each zone once). */
export function dueText(iso, deskZone) {
  const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const mine = when(iso, here);
  const theirs = deskZone ? when(iso, deskZone) : mine;
  return theirs === mine ? mine : `${mine} (${theirs} at the support desk)`;
}
