// "Accept and send", the confirmation page and the thanks page after a deflection.
// The payload goes into the draft's outbox before any delivery is tried, so a failed POST,
// a closed tab or a reload never loses it; a delivered request clears the draft.

import { h } from "./dom.js";
import * as flow from "./flow.js";
import * as draft from "./draft.js";
import { buildPayload } from "./payload.js";
import * as deliver from "./deliver.js";
import { title, focusHeading, partnerCard } from "./steps.js";

/** Freeze the answers into a payload (classified now) and go to the confirmation page. */
export function accept(app) {
  const { path } = app.walk();
  const fields = path.flatMap((id) => app.step(id).fields || []);
  const kind = app.state.answers.kind === "escalation" ? "escalation" : "new";
  const created_at = new Date().toISOString();
  const answers = app.answers();
  let classification = null;
  try { classification = app.policy.classify(answers, created_at); } catch (exc) {
    app.announce(`The request could not be classified: ${exc.message}`);
    return;
  }
  const payload = buildPayload(app.form, app.state, { fields, answers }, {
    kind, created_at, classification, policy_version: app.policy.version, policy_sha256: app.policy.sha256,
    payload_fields: app.policy.payloadFields,
  });
  const summary = fields.filter((f) => f.id !== "kind").map((f) => `${f.label}\n  ${plain(f, app.state.answers[f.id], app.state.answers)}`).join("\n");
  app.state.outbox = { payload, summary, status: "ready", reference: null, route: classification.route };
  app.save();
  app.go("sent");
}

function plain(f, v, answers) {
  if (flow.isBlank(v)) return "Not given";
  const label = (x) => (flow.optionsOf(f, answers).find((o) => String(o.value) === String(x)) || { label: String(x) }).label;
  if (f.type === "radios") return label(v);
  if (f.type === "checkboxes") return v.map(label).join("; ");
  return String(v).replace(/\n/g, "\n  ");
}

const when = (iso, tz) => new Intl.DateTimeFormat("en-GB", {
  weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: tz, timeZoneName: "short",
}).format(new Date(iso));

function markDelivered(app, box, via, reference) {
  box.status = "delivered";
  box.reference = reference || box.reference;
  box.via = via;
  try { localStorage.setItem(draft.LAST, JSON.stringify({ kind: "sent", ...box })); } catch { /* storage off */ }
  draft.clear();
}

export function renderSent(app, step, opts) {
  const { main } = opts;
  const box = app.state.outbox || app.readLast("sent");
  const { payload } = box;
  const c = payload.classification || {};
  const cfg = app.data.delivery;
  const partner = (c.route && app.policy?.partners[c.route]) || null;
  const canPost = !!cfg.endpoint && !partner;
  const to = partner ? partner.email : cfg.mailto;
  const heading = () => (box.status === "delivered" ? (box.via === "post" ? "Request sent" : "Request ready") : canPost ? "Your request has not been sent yet" : "Your request is ready to send");
  const h1 = h("h1", null, heading());
  title(heading());
  const refBox = h("div", { class: "kb-wz-panel" }, h("p", null, "Your reference"), h("strong", { class: "kb-wz-ref" }, box.reference || payload.id));
  const stat = h("p", { class: "kb-wz-status", role: "status", "aria-live": "polite" });
  const buttons = h("div", { class: "kb-wz-actions" });
  const about = payload.kind === "escalation"
    ? h("p", null, "Escalation of request ", h("strong", { class: "kb-wz-text" }, payload.escalation?.request_id || ""))
    : h("p", null, "Your request: ", h("strong", { class: "kb-wz-text" }, payload.problem?.summary || ""));
  main.append(h1, about, refBox, stat, buttons, next(app, payload, c, partner));
  const json = () => JSON.stringify(payload, null, 2);
  const used = (via) => { if (box.status !== "delivered") { markDelivered(app, box, via); h1.textContent = heading(); } };

  async function send() {
    sendBtn.disabled = true;
    stat.textContent = "Sending your request…";
    box.status = "sending";
    app.save();
    try {
      const res = await deliver.post(cfg.endpoint, payload, {
        timeoutMs: cfg.timeout * 1000, retries: cfg.retries,
        onRetry: (n, exc) => { stat.textContent = `Sending failed (${exc.message}). Trying again (${n} of ${cfg.retries})…`; },
      });
      markDelivered(app, box, "post", res.reference);
      h1.textContent = heading();
      title(heading());
      refBox.querySelector(".kb-wz-ref").textContent = box.reference;
      stat.textContent = "We received your request. We have also cleared the answers saved in this browser.";
      sendBtn.remove();
    } catch (exc) {
      box.status = "failed";
      app.save();
      stat.textContent = `We could not send your request: ${exc.message}. It is saved in this browser. Try again, or send it by email or as a file.`;
      sendBtn.disabled = false;
      sendBtn.textContent = "Try again";
    }
  }
  const sendBtn = h("button", { type: "button", class: "md-button md-button--primary", "data-action": "send", onclick: send }, box.status === "failed" ? "Try again" : "Send request");
  if (canPost && box.status !== "delivered") buttons.append(sendBtn);
  if (to) buttons.append(h("a", { class: "md-button", "data-action": "email", href: deliver.mailto(to, `Support request ${payload.id}: ${payload.problem?.summary || payload.kind}`, box.summary, payload), onclick: () => used("email") }, partner ? `Email ${partner.name}` : "Send by email"));
  buttons.append(
    h("button", { type: "button", class: "md-button", "data-action": "download", onclick: () => { deliver.download(payload); used("download"); stat.textContent = "Downloaded the request as a JSON file."; } }, "Download"),
    h("button", { type: "button", class: "md-button", "data-action": "copy", onclick: async () => { const ok = await deliver.copy(json()); if (ok) used("copy"); stat.textContent = ok ? "Copied the request to the clipboard." : "Copying is blocked in this browser; use Download instead."; } }, "Copy"));
  main.append(h("p", null, h("button", { type: "button", class: "kb-wz-link", onclick: () => app.startAgain() }, "Start a new request")));
  if (box.status === "failed") stat.textContent = "This request has not been sent yet. Try again, or send it by email or as a file.";
  if (box.status === "sending") stat.textContent = "The last attempt to send this request did not finish. Try again: the support desk will not receive it twice.";
  if (canPost && box.status === "ready") send();
  focusHeading(main);
}

/** Priority, response window, who answers and what happens next: from the classification. */
function next(app, payload, c, partner) {
  const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const desk = app.policy?.timezone;
  const pr = app.policy?.priority(c.priority);
  const text = (about) => (c.explanations || []).filter((e) => e.about === about).map((e) => e.text);
  const vendor = app.policy?.compiled.vendor?.short_name || "the support team";
  const items = [];
  // Not covered or a Special Service: that comes first, before any priority.
  const scope = [...text("eligibility"), ...text("exclusion")];
  if (c.eligibility && c.eligibility !== "eligible") items.push(h("div", { class: "kb-wz-explain" }, scope.map((t) => h("p", null, t))));
  if (payload.kind === "escalation") items.push(h("p", null, `We will review your escalation of request ${payload.escalation?.request_id || ""} and tell you what we will do.`));
  if (c.priority) items.push(h("h3", null, `Priority ${c.priority}${pr ? `: ${pr.label}` : ""}`), ...text("priority").map((t) => h("p", null, t)));
  if (c.response_hours && c.respond_by) {
    items.push(h("p", null, `We will respond within ${c.response_hours} business hour${c.response_hours === 1 ? "" : "s"}: by `, h("strong", null, when(c.respond_by, here)), ` your time (${here})`,
      desk && desk !== here ? `, which is ${when(c.respond_by, desk)} at the support desk (${desk})` : "", "."), ...text("respond_by").map((t) => h("p", null, t)));
  }
  items.push(h("h3", null, "Who will answer"), h("p", null, partner ? `${partner.name} gives you first-level support and will answer this request.` : `${vendor} support will answer this request.`));
  if (partner) items.push(partnerCard(app, c.route));
  for (const t of [...text("route"), ...(c.eligibility === "eligible" ? scope : []), ...text("responsibility")]) items.push(h("p", null, t));
  return h("section", { class: "kb-wz-next", "aria-labelledby": "kb-wz-next-title" }, h("h2", { id: "kb-wz-next-title" }, "What happens next"), items);
}

export function renderDeflected(app, step, opts) {
  const rec = app.deflection || app.readLast("deflected");
  title(step.title);
  opts.main.append(h("h1", null, step.title), h("p", null, step.body),
    rec ? h("p", null, "The article that solved it: ", h("strong", null, rec.title || rec.article)) : null,
    h("p", null, h("a", { href: app.base.href }, "Back to the Help Center")));
}
