// Drawing the wizard's pages in the GOV.UK pattern: one question per page, Back link,
// "(optional)", hints, the error summary (focused, each error linking to its field),
// information pages and "Check your answers". Everything shown goes through dom.js.

import { h, hidden } from "./dom.js";
import * as flow from "./flow.js";
import { renderKb } from "./kb.js";
import { renderSent, renderDeflected, accept } from "./send.js";

const site = document.title.split(" - ").slice(-1)[0];

export function renderStep(app, step, opts) {
  const kinds = { question, info, kb: renderKb, check, confirmation: renderSent, deflected: renderDeflected };
  const main = h("div", { class: `kb-wz kb-wz--${step.kind}`, "data-step": step.id });
  if (opts.back) main.append(h("a", { class: "kb-wz-back", href: `#step=${encodeURIComponent(opts.back)}${opts.change && opts.back !== "check" ? "&change=1" : ""}` }, "Back"));
  opts.root.append(main);
  kinds[step.kind](app, step, { ...opts, main });
  if (!["confirmation", "deflected"].includes(step.kind)) {
    main.append(h("p", { class: "kb-wz-restart" }, h("button", { type: "button", class: "kb-wz-link", onclick: () => app.startAgain() }, "Start again"), " (clears every answer saved in this browser)"));
  }
  if (!opts.keepFocus) focusHeading(main);
}

export function title(text, error = false) {
  document.title = `${error ? "Error: " : ""}${text} - ${site}`;
}

export function focusHeading(main) {
  const h1 = main.querySelector("h1");
  if (h1) { h1.setAttribute("tabindex", "-1"); h1.focus({ preventScroll: false }); }
}

const fid = (f) => `f-${f.id}`;
const optional = (f) => (f.optional ? " (optional)" : "");

function question(app, step, opts) {
  const { main } = opts;
  const errors = opts.errors || [];
  const single = step.fields.length === 1 && !step.title;
  const heading = single ? step.fields[0].label + optional(step.fields[0]) : step.title;
  title(heading, errors.length > 0);
  const formEl = h("form", { novalidate: true, class: "kb-wz-form", "aria-describedby": step.hint ? "step-hint" : null });
  if (errors.length) formEl.append(errorSummary(errors));
  if (!single) formEl.append(h("h1", null, step.title), step.hint ? h("p", { class: "kb-wz-hint", id: "step-hint" }, step.hint) : null);
  for (const f of step.fields) formEl.append(field(app, f, errors.find((e) => e.field === f), single));
  formEl.append(h("button", { type: "submit", class: "md-button md-button--primary kb-wz-continue" }, opts.change ? "Save and go back" : "Continue"));
  formEl.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const errs = flow.stepErrors(step, app.state.answers);
    if (errs.length) {
      opts.main.remove();
      renderStep(app, step, { ...opts, errors: errs, keepFocus: true });
      const box = opts.root.querySelector(".kb-wz-errors");
      box.focus();
      return;
    }
    app.advance(step, opts.change);
  });
  main.append(formEl);
}

function errorSummary(errors) {
  return h("div", { class: "kb-wz-errors", role: "alert", tabindex: "-1", "aria-labelledby": "kb-wz-errors-title" },
    h("h2", { id: "kb-wz-errors-title" }, "There is a problem"),
    h("ul", null, errors.map((e) => h("li", null, h("a", {
      href: `#${fid(e.field)}`,
      // The link's target is an input, not a step: focus it here instead of letting the
      // hash change reach the router.
      onclick: (ev) => { ev.preventDefault(); const el = document.getElementById(fid(e.field)); el.focus(); el.scrollIntoView({ block: "center" }); },
    }, e.message)))));
}

function field(app, f, error, single) {
  const ids = [f.hint ? `${fid(f)}-hint` : "", error ? `${fid(f)}-error` : ""].filter(Boolean).join(" ") || null;
  const hint = f.hint ? h("p", { class: "kb-wz-hint", id: `${fid(f)}-hint` }, f.hint) : null;
  const err = error ? h("p", { class: "kb-wz-error", id: `${fid(f)}-error` }, hidden("Error: "), error.message) : null;
  const wrap = h("div", { class: `kb-wz-group${error ? " kb-wz-group--error" : ""}` });
  const save = (v) => { app.state.answers[f.id] = v; app.save(); };
  const value = app.state.answers[f.id];
  if (f.type === "radios" || f.type === "checkboxes") {
    const legendText = f.label + optional(f);
    const fs = h("fieldset", { "aria-describedby": ids }, h("legend", null, single ? h("h1", null, legendText) : legendText), hint, err);
    const opts = flow.optionsOf(f, app.state.answers);
    const picked = f.type === "radios" ? [value] : Array.isArray(value) ? value : [];
    opts.forEach((o, i) => {
      const id = i === 0 ? fid(f) : `${fid(f)}-${i}`;
      if (o.none) fs.append(h("p", { class: "kb-wz-or" }, "or"));
      const input = h("input", {
        type: f.type === "radios" ? "radio" : "checkbox", id, name: f.id, value: String(o.value),
        checked: picked.some((p) => String(p) === String(o.value)), "aria-describedby": o.hint ? `${id}-hint` : null,
        onchange: () => {
          if (f.type === "radios") return save(o.value);
          let now = [...fs.querySelectorAll("input:checked")].map((x) => opts.find((y) => String(y.value) === x.value).value);
          // "None of these" and the other boxes exclude each other, as in GOV.UK's pattern.
          if (input.checked && o.none) now = [flow.NONE];
          else if (input.checked) now = now.filter((v) => v !== flow.NONE);
          for (const x of fs.querySelectorAll("input")) x.checked = now.some((v) => String(v) === x.value);
          save(now);
        },
      });
      fs.append(h("div", { class: "kb-wz-choice" }, input, h("label", { for: id }, o.label), o.hint ? h("p", { class: "kb-wz-hint", id: `${id}-hint` }, o.hint) : null));
    });
    if (!opts.length) fs.append(h("p", null, "Answer the previous question first."));
    wrap.append(fs);
    return wrap;
  }
  const label = h("label", { for: fid(f), class: "kb-wz-label" }, f.label + optional(f));
  const attrs = {
    id: fid(f), name: f.id, "aria-describedby": ids, "aria-invalid": error ? "true" : null, autocomplete: f.autocomplete || "off",
    spellcheck: f.type === "email" ? "false" : null, value: typeof value === "string" ? value : "",
    oninput: (ev) => save(ev.target.value),
  };
  const input = f.type === "textarea" ? h("textarea", { ...attrs, rows: 6 }) : h("input", { ...attrs, type: f.type === "email" ? "email" : "text" });
  wrap.append(...[single ? h("h1", { class: "kb-wz-label-wrap" }, label) : label, hint, err, input].filter(Boolean));
  return wrap;
}

function info(app, step, opts) {
  const { main } = opts;
  title(step.title);
  main.append(h("h1", null, step.title));
  const c = step.show ? app.outcome() : null;
  // The route the engine decided is the partner's id (the policy's partner directory).
  if (step.show === "partner") main.append(partnerCard(app, c && c.route), explain(c, "route"));
  if (step.show === "eligibility") main.append(explain(c, step.show));
  if (step.body) main.append(h("p", null, step.body));
  if (step.options) main.append(h("h2", null, "Your options"), h("ul", null, step.options.map((o) => h("li", null, o))));
  main.append(h("form", { novalidate: true, onsubmit: (ev) => { ev.preventDefault(); app.advance(step, opts.change); } },
    h("button", { type: "submit", class: "md-button md-button--primary kb-wz-continue" }, step.continue || "Continue")));
}

/** The partner's contact card from the policy's partner directory. */
export function partnerCard(app, id) {
  const p = app.policy && app.policy.partners[id];
  if (!p) return h("p", null, "Your distributor or reseller gives you support.");
  return h("div", { class: "kb-wz-card" },
    h("h2", null, p.name),
    h("dl", { class: "kb-wz-dl" },
      p.email ? [h("dt", null, "Email"), h("dd", null, h("a", { href: `mailto:${p.email}` }, p.email))] : null,
      p.phone ? [h("dt", null, "Phone"), h("dd", null, p.phone)] : null,
      p.url ? [h("dt", null, "Support page"), h("dd", null, h("a", { href: safeUrl(p.url) }, p.url))] : null,
      p.submission ? [h("dt", null, "How to submit"), h("dd", null, p.submission)] : null),
    p.sample ? h("p", { class: "kb-wz-hint" }, "Sample partner data.") : null);
}

export const safeUrl = (u) => (/^https?:\/\//i.test(u) ? u : "#");

/** The engine's plain-language explanation of the outcome so far. */
export function explain(c, about) {
  if (!c) return h("p", { class: "kb-wz-hint" }, "The policy could not be applied to your answers yet.");
  const want = about === "route" ? ["route"] : ["eligibility", "exclusion"];
  const lines = (c.explanations || []).filter((e) => !about || want.includes(e.about)).map((e) => e.text).filter(Boolean);
  return lines.length ? h("div", { class: "kb-wz-explain" }, h("ul", null, lines.map((t) => h("li", null, t)))) : h("p", null, "");
}

/** A readable answer: option labels, or the text as typed (shown as text). */
export function display(f, v, answers) {
  if (flow.isBlank(v)) return "Not given";
  if (f.type === "radios") return (flow.optionsOf(f, answers).find((o) => String(o.value) === String(v)) || { label: String(v) }).label;
  if (f.type === "checkboxes") {
    const labels = v.map((x) => (flow.optionsOf(f, answers).find((o) => String(o.value) === String(x)) || { label: String(x) }).label);
    return h("ul", { class: "kb-wz-plain" }, labels.map((l) => h("li", null, l)));
  }
  return h("span", { class: "kb-wz-text" }, v);
}

function check(app, step, opts) {
  const { main } = opts;
  const { path } = app.walk();
  title(step.title);
  main.append(h("h1", null, step.title));
  const dl = h("dl", { class: "kb-wz-summary" });
  for (const sid of path) {
    for (const f of app.step(sid).fields || []) {
      dl.append(h("div", { class: "kb-wz-summary__row", "data-field": f.id },
        h("dt", null, f.label),
        h("dd", null, display(f, app.state.answers[f.id], app.state.answers)),
        h("dd", { class: "kb-wz-summary__action" }, h("a", { href: `#step=${encodeURIComponent(sid)}&change=1` }, "Change", hidden(` ${f.label}`)))));
    }
  }
  main.append(dl);
  main.append(h("form", { novalidate: true, onsubmit: (ev) => { ev.preventDefault(); accept(app); } },
    h("p", null, "By sending this request you confirm that your answers are correct to the best of your knowledge."),
    h("button", { type: "submit", class: "md-button md-button--primary kb-wz-continue" }, step.continue || "Accept and send")));
}
