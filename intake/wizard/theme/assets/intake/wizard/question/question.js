// A screen of questions (GOV.UK patterns): the fields a screen shows for the answers so far,
// revealed as earlier answers call for them; radios, checkboxes with an exclusive "None of
// these" and the plain explanation of a ticked statement; text fields; the hidden honeypot;
// notices of what the policy decided so far; the error summary (focused, each error linking
// to its field). Everything shown goes through dom.js.

import { h, hidden, add, fill } from "../dom.js";
import * as flow from "../flow.js";
import { oneLine, lines } from "../text.js";
import { heading, title, errorSummary, actionForm, notice } from "../page.js";

const fid = (f) => `f-${f.id}`;
// An optional checkbox list is answered by ticking none: no "(optional)" there.
const optional = (f) => (f.optional && f.type !== "checkboxes" ? " (optional)" : "");

/**
 * @param {any} app the controller @param {any} step @param {any} opts {main, change, errors?, caption}
 */
export function renderQuestion(app, step, opts) {
  const { main } = opts;
  const errors = opts.errors || [];
  heading(main, step.title, opts.caption);
  if (errors.length) title(step.title, true);
  if (errors.length) (main.querySelector(".kb-wz-caption") || main.querySelector("h1")).before(errorSummary(errors.map((e) => ({ id: fid(e.field), message: e.message }))));
  if (step.hint) main.append(h("p", { class: "kb-wz-hint" }, step.hint));
  const box = h("div", { class: "kb-wz-fields" });
  const notes = h("div", { class: "kb-wz-notices", "aria-live": "polite" });
  const shown = new Map(); // field id -> its element
  let screen;

  // Draw the fields not on screen yet, in order. After an answer, the fields below it are
  // removed first (they may depend on it); the ones above stay, and so does the focus.
  function draw(announce = false) {
    screen = app.screen(step);
    const fresh = [];
    for (const item of screen.items) {
      if (shown.has(item.field.id)) continue;
      const el = field(app, item, errors.find((e) => e.field === item.field), redraw);
      shown.set(item.field.id, el);
      box.append(el);
      if (item.field.type !== "honeypot") fresh.push(item.field.label);
    }
    const cap = main.querySelector(".kb-wz-caption");
    if (cap) cap.textContent = app.caption(step); // kind or route may change the screens ahead
    if (announce && fresh.length) app.announce(`New question${fresh.length > 1 ? "s" : ""} below: ${fresh.join("; ")}`);
    const c = (step.notices || []).length ? app.outcomeOf(screen.live) : null;
    const ctx = { answers: screen.live, seen: new Set(app.state.seen), outcome: () => c };
    fill(notes, ...(step.notices || []).filter((n) => flow.test(n.if, ctx)).map((n) => notice(app, n, c)));
  }
  function redraw(f) {
    let past = false;
    for (const [id, el] of [...shown]) { if (past) { el.remove(); shown.delete(id); } if (id === f.id) past = true; }
    draw(true);
  }

  async function submit() {
    for (const item of screen.items) if (item.field.type === "checkboxes" && item.value === undefined) app.state.answers[item.field.id] = [];
    app.save();
    screen = app.screen(step);
    const errs = screen.items.map((i) => ({ field: i.field, message: flow.fieldError(i.field, i.value, screen.live, i.options) })).filter((e) => e.message);
    if (!errs.length) {
      for (const item of screen.items) {
        if (item.field.type !== "reference") continue;
        button.disabled = true;
        app.announce("Checking the reference…");
        const got = await app.checkReference(app.state.answers[item.field.id]);
        button.disabled = false;
        if (got.error) { errs.push({ field: item.field, message: got.error }); break; }
        app.state.answers[item.field.id] = got.reference;
        app.state.known = got.known;
        app.save();
      }
    }
    if (errs.length) return app.render(step, { ...opts, errors: errs });
    app.advance(step, opts.change);
  }

  const form = actionForm(opts.change ? "Save and go back" : "Continue", submit, box, notes);
  form.classList.add("kb-wz-form");
  const button = form.querySelector("button");
  main.append(form);
  draw();
}

function field(app, item, error, redraw) {
  const f = item.field;
  const save = (v) => { app.state.answers[f.id] = v; app.save(); };
  const hint = f.hint ? h("p", { class: "kb-wz-hint", id: `${fid(f)}-hint` }, f.hint) : null;
  const err = error ? h("p", { class: "kb-wz-error", id: `${fid(f)}-error` }, hidden("Error: "), error.message) : null;
  const ids = [hint ? hint.id : "", err ? err.id : ""].filter(Boolean).join(" ") || null;
  const wrap = h("div", { class: `kb-wz-group${error ? " kb-wz-group--error" : ""}`, "data-field": f.id, "data-question": f.policy ? f.id : null });
  if (item.auto) {
    // One possible answer: answered for the customer, and said so.
    const o = flow.optionsOf(f, app.state.answers)[0];
    wrap.append(h("p", { class: "kb-wz-label" }, f.label), h("p", null, o.label, h("span", { class: "kb-wz-hint" }, " (the only possible answer)")));
    return wrap;
  }
  if (f.type === "honeypot") {
    // Hidden from people and from screen readers; only a bot fills it in.
    return h("div", { class: "kb-wz-hp", "aria-hidden": "true" }, h("label", { for: fid(f) }, f.label),
      h("input", { type: "text", id: fid(f), name: f.id, tabindex: "-1", autocomplete: "off", value: item.value || "", oninput: (ev) => save(ev.target.value) }));
  }
  if (f.type === "radios" || f.type === "checkboxes") {
    const radios = f.type === "radios";
    const fs = h("fieldset", { "aria-describedby": ids }, h("legend", { class: "kb-wz-legend" }, f.label + optional(f)), hint, err);
    const opts = radios ? flow.optionsOf(f, app.state.answers) : [...item.options, ...(f.none_option ? [{ value: flow.NONE, label: f.none_option, none: true }] : [])];
    const picked = radios ? [item.value] : Array.isArray(item.value) ? item.value : [];
    opts.forEach((o, i) => {
      const id = i === 0 ? fid(f) : `${fid(f)}-${i}`;
      if (o.none) fs.append(h("p", { class: "kb-wz-or" }, "or"));
      const why = o.question ? h("p", { class: "kb-wz-why", id: `${id}-why`, hidden: true }) : null;
      const input = h("input", {
        type: radios ? "radio" : "checkbox", id, name: f.id, value: String(o.value),
        checked: picked.some((p) => String(p) === String(o.value)), "data-question": o.question || null, "data-ticked": o.question ? o.ticked : null,
        "aria-describedby": [o.hint ? `${id}-hint` : "", why ? why.id : ""].filter(Boolean).join(" ") || null,
        onchange: () => {
          if (radios) save(o.value);
          // Checkboxes: "None of these" and another box both ticked is an error on
          // Continue, never a silent choice.
          else save([...fs.querySelectorAll("input:checked")].map((x) => opts.find((y) => String(y.value) === x.value).value));
          if (why) explain(app, o, input, why);
          redraw(f);
        },
      });
      fs.append(h("div", { class: "kb-wz-choice" }, input, h("label", { for: id }, o.label), o.hint ? h("p", { class: "kb-wz-hint", id: `${id}-hint` }, o.hint) : null, why));
      if (why) explain(app, o, input, why, true);
    });
    if (!opts.length) fs.append(h("p", null, "Answer the question above first."));
    wrap.append(fs);
    return wrap;
  }
  const label = h("label", { for: fid(f), class: "kb-wz-label" }, f.label + optional(f));
  const multi = f.type === "textarea";
  const attrs = {
    id: fid(f), name: f.id, "aria-describedby": ids, "aria-invalid": error ? "true" : null, autocomplete: f.autocomplete || "off",
    spellcheck: ["email", "reference"].includes(f.type) ? "false" : null, value: typeof item.value === "string" ? item.value : "",
    // A pasted line break, separator or control character never reaches a one-line field.
    oninput: (ev) => { const el = ev.target; const v = multi ? lines(el.value) : oneLine(el.value); if (v !== el.value) el.value = v; save(v); },
  };
  const input = multi ? h("textarea", { ...attrs, rows: 5 }) : h("input", { ...attrs, type: f.type === "email" ? "email" : "text" });
  add(wrap, label, hint, err, input);
  return wrap;
}

/** A ticked statement that takes the request out of Support says so under its box, at once. */
function explain(app, o, input, why, quiet = false) {
  const texts = input.checked ? app.policy.exclusions(o.question, o.ticked).map((e) => e.explain) : [];
  why.hidden = !texts.length;
  why.textContent = texts.join(" ");
  if (texts.length && !quiet) app.announce(texts.join(" "));
}
