// "Check your answers": every answer on the path, grouped under the screens' section
// headings, each with a Change link; the main button says what it does ("Send request" to
// an endpoint, "Prepare email" otherwise). Accepting freezes the answers into a payload
// (classified at that instant), stores it in the outbox before any delivery, and opens the
// confirmation page.

import { h, hidden } from "../dom.js";
import * as flow from "../flow.js";
import { heading, actionForm } from "../page.js";
import { buildPayload } from "../payload.js";
import { referenceFor } from "../reference.js";
import * as outbox from "../outbox.js";

/**
 * How the finished request leaves: {post} to the endpoint, else by email (`to`) or as a file.
 * A request routed to a partner goes to the partner; one not in the directory (`ask`) is
 * prepared for the customer to send them, and the vendor can be asked who they are.
 */
export function delivery(app, route) {
  const elsewhere = !!route && route !== "vendor";
  const partner = elsewhere ? app.policy.partner(route) || null : null;
  const post = !!app.data.delivery.endpoint && !elsewhere;
  return { post, partner, ask: elsewhere && !partner, to: partner ? partner.email : elsewhere ? "" : app.data.delivery.mailto };
}

/** A readable answer: option labels, or the text as typed (shown as text). */
export function display(row, answers) {
  const { field: f, value: v } = row;
  if (f.type === "checkboxes") {
    const on = flow.ticks(f, v, row.options);
    if (f.none_option) return on.length ? h("ul", { class: "kb-wz-plain" }, on.map((o) => h("li", null, o.label))) : f.none_option;
    return h("ul", { class: "kb-wz-plain" }, row.options.map((o) => h("li", null, `${on.includes(o) ? "Yes" : "No"}: ${o.label}`)));
  }
  if (flow.isBlank(v)) return "Not given";
  if (f.type === "radios") return (flow.optionsOf(f, answers).find((o) => String(o.value) === String(v)) || { label: String(v) }).label;
  return h("span", { class: "kb-wz-text" }, v);
}

/** The same answers as plain text lines (the email's summary). */
export function facts(rows, answers) {
  return rows.filter((r) => !flow.isBlank(r.value)).map((r) => {
    const shown = display(r, answers);
    return { label: r.field.label, text: typeof shown === "string" ? shown : [...shown.childNodes].map((n) => n.textContent).join("; ") };
  });
}

export function renderCheck(app, step, opts) {
  const { main } = opts;
  const w = app.walk();
  heading(main, step.title, opts.caption);
  const byStep = new Map(app.form.steps.map((s) => [s.id, s]));
  let section = null;
  let dl = null;
  for (const row of w.rows) {
    const s = byStep.get(row.step);
    const name = s.section || s.title;
    if (name !== section) {
      section = name;
      dl = h("dl", { class: "kb-wz-summary" });
      main.append(h("h2", { class: "kb-wz-section" }, name), dl);
    }
    const f = row.field;
    const known = f.type === "reference" && app.state.known;
    dl.append(h("div", { class: "kb-wz-summary__row", "data-field": f.id },
      h("dt", null, f.label),
      h("dd", null, display(row, w.live), row.auto ? h("span", { class: "kb-wz-hint" }, " (the only possible answer)") : null,
        known ? h("span", { class: "kb-wz-hint kb-wz-known" }, ` ${knownText(known)}`) : null),
      h("dd", { class: "kb-wz-summary__action" }, row.auto ? null : h("a", { href: `#step=${encodeURIComponent(row.step)}&change=1` }, "Change", hidden(` ${f.label}`)))));
  }
  const kind = w.live.kind === "escalation" ? "escalation" : "new";
  let route = null;
  if (kind === "new") { try { route = app.policy.classify(w.live, new Date()).route; } catch { route = null; } }
  const how = delivery(app, route);
  const label = how.post ? "Send request" : how.to ? "Prepare email" : "Prepare request";
  main.append(actionForm(label, () => accept(app, kind),
    h("p", null, how.post
      ? "By sending this request you confirm that your answers are correct to the best of your knowledge."
      : "Nothing is sent yet: the next page prepares the request for you to send. By preparing it you confirm that your answers are correct to the best of your knowledge.")));
}

/** "(sent from this browser on ...)" or "(known to the support desk: ...)" */
export function knownText(k) {
  if (k.source === "desk") return `(known to the support desk${k.priority ? `: priority ${k.priority}` : ""}${k.state ? `, ${k.state}` : ""})`;
  return `(made in this browser${k.summary ? `: “${k.summary}”` : ""})`;
}

/** Freeze the answers into a payload (classified now), store it, go to the confirmation. */
export async function accept(app, kind) {
  const w = app.walk();
  const created_at = new Date().toISOString();
  let classification = null;
  if (kind === "new") {
    try { classification = app.policy.classify(w.live, created_at); } catch (exc) {
      app.announce(`The request could not be classified: ${exc.message}`);
      return;
    }
  }
  const payload = buildPayload(app.form, app.state, w, {
    kind, created_at, classification, policy_version: app.policy.version, policy_sha256: app.policy.sha256,
    payload_fields: app.policy.payloadFields, questions: app.policy.isQuestion,
  });
  const how = delivery(app, classification?.route);
  outbox.put({
    payload, reference: await referenceFor(payload.id), status: "ready", post: how.post, route: classification?.route || null,
    facts: facts(w.rows, w.live), at: created_at, honeypot: app.state.answers.website || "",
  });
  app.state.sent = payload.id;
  app.save();
  app.go("sent");
}
