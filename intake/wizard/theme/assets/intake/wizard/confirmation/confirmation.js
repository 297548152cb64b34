// The page after "Send request" / "Prepare email": says first whether the request has
// reached support, then how to send it when it has not (download the file, email it with a
// short summary, or copy it), the reference to quote, and what happens next. With an
// endpoint the payload is POSTed at once; the reference and the due time shown are the
// desk's, never ones computed here. Nothing on this page claims what did not happen.

import { h, fill } from "../dom.js";
import { title, focusHeading, partnerCard, explanations, dueText } from "../page.js";
import * as deliver from "../deliver.js";
import * as outbox from "../outbox.js";
import * as draft from "../draft.js";
import { mailBody } from "../payload.js";
import { referenceFor } from "../reference.js";
import { cut, oneLine } from "../text.js";
import { delivery } from "../check/check.js";

export async function renderSent(app, step, opts) {
  const { main } = opts;
  const item = outbox.get(opts.id || app.state.sent) || outbox.latest();
  if (!item) return app.go(app.form.start);
  const { payload } = item;
  const id = payload.id;
  if (!item.reference) outbox.update(id, { reference: (item.reference = await referenceFor(id)) });
  const esc = payload.kind === "escalation";
  const what = esc ? "escalation" : "request";
  const c = payload.classification || {};
  const how = delivery(app, item.route);
  const cfg = app.data.delivery;
  const file = `support-request-${item.reference}.json`;
  const lead = h("p", { class: "kb-wz-lead" });
  const stat = h("p", { class: "kb-wz-status", role: "status", "aria-live": "polite" });
  const refBox = h("div", { class: "kb-wz-panel" }, h("p", null, `Your ${what}'s reference`), h("strong", { class: "kb-wz-ref" }, item.reference),
    h("p", null, "Quote it when you write or call about it."));
  const ways = h("div", { class: "kb-wz-ways" });
  const later = h("section", { class: "kb-wz-next", "aria-labelledby": "kb-wz-next-title" });
  const h1 = h("h1");
  main.append(h1);
  const about = esc
    ? h("p", null, "Escalation of request ", h("strong", { class: "kb-wz-text" }, payload.escalation?.reference || ""))
    : h("p", null, "Your request: ", h("strong", { class: "kb-wz-text" }, payload.problem?.summary || ""));
  main.append(lead, about, refBox, ways, stat, later,
    h("p", null, h("button", { type: "button", class: "kb-wz-link", onclick: () => app.startAgain() }, `Start a new request`)));

  const used = (via) => { if (!item.via) outbox.update(id, { via: (item.via = via) }); };
  const sendBtn = h("button", { type: "button", class: "md-button md-button--primary", "data-action": "send", onclick: () => send() }, "Try again");

  function show() {
    const sent = item.status === "delivered";
    const head = sent ? (esc ? "Escalation sent" : "Request sent") : `Your ${what} has not been sent yet`;
    h1.textContent = head;
    title(head);
    if (sent) lead.textContent = `We received your ${what}.`;
    else if (how.post && item.status === "sending") lead.textContent = `Sending your ${what} to support…`;
    else if (how.post) lead.textContent = `It is saved in this browser. Try again, or send it by email or as a file.`;
    else if (how.partner) lead.textContent = `Send it to ${how.partner.name}, who gives you support: download the file, then email it to them. Their response time starts when they receive it.`;
    else if (how.ask) lead.textContent = "Send it to your distributor or reseller, who gives you support: download the file or copy it, and send it to them. Their response time starts when they receive it.";
    else lead.textContent = `To send it, download the file and email it to support${how.to ? ` (${how.to})` : ""}.${c.response_hours ? " Support's response time starts when they receive it, not now." : ""}`;
    const desk = item.desk || {};
    if (desk.reference) refBox.querySelector(".kb-wz-ref").textContent = desk.reference;
    fill(ways, ...(sent || (how.post && item.status === "sending") ? [] : waysToSend()));
    fill(later, ...next(app, payload, c, how, sent ? desk : null));
  }

  function waysToSend() {
    const subject = esc ? `Escalation of support request ${payload.escalation?.reference}` : `Support request ${item.reference}: ${cut(oneLine(payload.problem?.summary || ""), 80, true)}`;
    const cannotSee = "We cannot see from here whether it was sent.";
    const steps = [
      h("li", null, "Download the request file. ", h("button", { type: "button", class: "md-button", "data-action": "download", onclick: () => { deliver.download(payload, file); used("download"); stat.textContent = `Downloaded ${file}.`; } }, "Download")),
      ...(how.to ? [
        h("li", null, `Open an email to ${how.to}: it has a short summary; attach the file you downloaded. `,
          h("a", { class: "md-button", "data-action": "email", href: deliver.mailto(how.to, subject, mailBody(item.reference, item.facts || [], file)), onclick: () => used("email") }, "Open email")),
        h("li", null, `Send the email. ${cannotSee}`),
      ] : [h("li", null, `Send the file to your distributor or reseller. ${cannotSee}`)]),
    ];
    return [
      how.post ? h("div", { class: "kb-wz-actions" }, sendBtn) : null,
      h("h2", null, how.post ? "Or send it yourself" : "How to send it"),
      h("ol", { class: "kb-wz-steps" }, steps),
      how.ask && cfg.mailto ? h("p", null, `Do not know who your distributor or reseller is? Ask ${vendorName(app)}: `,
        h("a", { href: deliver.mailto(cfg.mailto, `Who is our distributor or reseller? (request ${item.reference})`, mailBody(item.reference, item.facts || [], file)), "data-action": "ask" }, `email ${cfg.mailto}`), ", and attach the file.") : null,
      h("p", null, "Or copy the request and paste it where support asked you to. ",
        h("button", { type: "button", class: "md-button", "data-action": "copy", onclick: async () => { const ok = await deliver.copy(JSON.stringify(payload, null, 2)); if (ok) used("copy"); stat.textContent = ok ? "Copied the request to the clipboard." : "Copying is blocked in this browser; use Download instead."; } }, "Copy")),
    ];
  }

  async function send() {
    sendBtn.disabled = true;
    Object.assign(item, outbox.update(id, { status: "sending" }) || { status: "sending" });
    show();
    const headers = item.honeypot ? { "X-KB-Honeypot": encodeURIComponent(item.honeypot).slice(0, 200) } : {};
    try {
      const desk = await deliver.post(cfg.endpoint, payload, {
        timeoutMs: cfg.timeout * 1000, retries: cfg.retries, headers,
        onRetry: (n, exc) => { stat.textContent = `Sending failed (${exc.message}). Trying again (${n} of ${cfg.retries})…`; },
      });
      Object.assign(item, { status: "delivered", via: "post", desk });
      outbox.update(id, { status: "delivered", via: "post", desk });
      // This request's draft is done with; a new request started meanwhile is not touched.
      if (draft.read()?.state?.sent === id) draft.clear();
      if (app.state.sent === id) app.state = { ...draft.newState(), sent: id };
      stat.textContent = "";
    } catch (exc) {
      Object.assign(item, { status: "failed" });
      outbox.update(id, { status: "failed" });
      fill(stat, `We could not send your ${what}: ${exc.message}. It is saved in this browser.`,
        exc.problems?.length ? h("ul", null, exc.problems.map((p) => h("li", null, p))) : null);
    }
    sendBtn.disabled = false;
    if (main.isConnected) show();
  }

  show();
  if (item.status === "sending") stat.textContent = `The last attempt to send this ${what} did not finish. Try again: support will not receive it twice.`;
  if (how.post && item.status === "ready") send();
  focusHeading(main);
}

const vendorName = (app) => app.policy.compiled.vendor?.short_name || "the support team";

/** What happens next: from the desk's answer once delivered, else from the policy's words. */
function next(app, payload, c, how, desk) {
  const items = [h("h2", { id: "kb-wz-next-title" }, "What happens next")];
  if (payload.kind === "escalation") {
    items.push(h("p", null, `Support will review your escalation of request ${payload.escalation?.reference || ""} and tell you what they will do.`));
    if (desk?.respond_by) items.push(h("p", null, "Support will respond by ", h("strong", null, dueText(desk.respond_by, app.policy.timezone)), "."));
    return items;
  }
  const scope = explanations(c, "eligibility", "exclusion");
  if (c.eligibility && c.eligibility !== "eligible") items.push(h("div", { class: "kb-wz-explain" }, scope.map((t) => h("p", null, t))));
  const id = desk?.priority || c.priority;
  const label = desk?.priority_label || app.policy.priority(id)?.label;
  if (id) items.push(h("h3", null, `Priority: ${label ? `${label} (${id})` : id}`));
  if (desk?.respond_by) {
    items.push(h("p", null, "Support will respond by ", h("strong", null, dueText(desk.respond_by, app.policy.timezone)), "."));
  } else if (!desk && c.response_hours) {
    const hrs = `${c.response_hours} business hour${c.response_hours === 1 ? "" : "s"}`;
    items.push(h("p", null, `Support responds to ${label || id} requests within ${hrs} of receiving them. The time counts from when support receives your request, during support hours.`));
  }
  const who = how.partner ? `${how.partner.name} gives you first-level support and will answer this request.`
    : how.ask ? "Your distributor or reseller gives you first-level support and will answer this request." : `${vendorName(app)} support will answer this request.`;
  items.push(h("h3", null, "Who will answer"), h("p", null, who));
  if (how.partner) items.push(partnerCard(how.partner));
  for (const t of [...explanations(c, "route"), ...(c.eligibility === "eligible" ? scope : []), ...explanations(c, "responsibility")]) items.push(h("p", null, t));
  return items;
}
