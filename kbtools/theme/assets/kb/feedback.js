// "Was this article helpful?": posts {article_id, helpful, ts} to the endpoint set in
// mkdocs.yml (plugins.kb.feedback_endpoint). With no endpoint it makes no request at all.
const KEY = "kb.feedback.v1";

// Article ids are data: "constructor" or "__proto__" must not read or set the object's
// prototype (an id "constructor" once disabled its widget), hence hasOwn and defineProperty.
function remembered() {
  try {
    const all = JSON.parse(localStorage.getItem(KEY) || "{}");
    return all && typeof all === "object" && !Array.isArray(all) ? all : {};
  } catch { return {}; }
}

function remember(id, helpful) {
  try {
    const all = remembered();
    Object.defineProperty(all, id, { value: helpful, enumerable: true, writable: true, configurable: true });
    localStorage.setItem(KEY, JSON.stringify(all));
  } catch { /* storage off: fine */ }
}

for (const box of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-kb-feedback]"))) {
  const id = box.dataset.articleId;
  const endpoint = box.dataset.endpoint || "";
  const thanks = box.querySelector(".kb-feedback__thanks");
  const buttons = /** @type {NodeListOf<HTMLButtonElement>} */ (box.querySelectorAll("button[data-helpful]"));
  const done = (helpful) => {
    for (const b of buttons) { b.disabled = true; b.setAttribute("aria-pressed", String(b.dataset.helpful === (helpful ? "yes" : "no"))); }
    thanks.textContent = helpful ? "Thanks for your feedback." : "Thanks. Tell us more with a support request if this didn't solve it.";
  };
  const before = remembered();
  if (Object.hasOwn(before, id)) done(before[id] === true);
  for (const b of buttons) {
    b.addEventListener("click", async () => {
      const helpful = b.dataset.helpful === "yes";
      done(helpful);
      remember(id, helpful);
      if (!endpoint) return;
      try {
        await fetch(endpoint, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ article_id: id, helpful, ts: new Date().toISOString() }),
          keepalive: true,
        });
      } catch {
        thanks.textContent += " (We could not send it just now.)";
      }
    });
  }
}
