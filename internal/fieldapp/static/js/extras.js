// My work's second slice: a contractor's orders (answered through the
// outbox, responses.js), an inspector's re-inspections due and look-back
// tasks, and the road chainage on the new-check form (chainage.js). The
// page helpers (h, localTime) come from app.js so this module stays DOM
// glue only; what may be done is the server's (allowed_actions, scopes).
import * as responses from "./responses.js";
import * as chainage from "./chainage.js";
import { named, t, when } from "./i18n.js";

// sections are my work's extra lists for w (the synced work) and the
// outbox's items.
export function sections(h, w, queued) {
  const name = (id) => (w.projects[id] ? w.projects[id].name : id);
  const orders = Object.values(w.orders).sort((a, b) => Date.parse(a.deadline) - Date.parse(b.deadline));
  const role = w.me ? w.me.role : "";
  const out = [];
  if (role === "contractor") {
    const sent = responses.answered(queued);
    const open = orders.filter((o) => o.status === "issued" || o.status === "acknowledged" || o.status === "response_submitted");
    out.push(h("h2", { text: t("work.orders") }), open.length === 0 ? h("p", { text: t("work.none_orders") }) :
      h("ul", { class: "list", id: "orders" }, open.map((o) => h("li", { "data-order": o.id, "data-status": o.status },
        h("strong", { text: o.number + " · " + name(o.project_id) }), " ",
        h("span", { class: "flag", text: named("order_status", o.status) }),
        h("p", { text: o.defect }), h("div", { class: "hint", text: t("work.deadline") + when(Date.parse(o.deadline)) }),
        (o.status !== "response_submitted" && !sent.has(o.id)) ?
          h("a", { class: "button", href: "#/respond?order=" + o.id, text: t("work.respond") }) : null))));
  }
  if (role === "inspector" || role === "office" || role === "admin") {
    const due = orders.filter((o) => o.status === "response_submitted");
    out.push(h("h2", { text: t("work.reinspections") }), due.length === 0 ? h("p", { text: t("work.none_reinspect") }) :
      h("ul", { class: "list", id: "reinspections" }, due.map((o) => h("li", { "data-order": o.id },
        h("strong", { text: o.number + " · " + name(o.project_id) }), h("p", { text: o.defect }),
        h("a", { class: "button", href: "#/new?order=" + o.id, text: t("work.reinspect") })))));
    const tasks = w.tasks || [];
    out.push(h("h2", { text: t("work.tasks") }), tasks.length === 0 ? h("p", { text: t("work.none_tasks") }) :
      h("ul", { class: "list", id: "tasks" }, tasks.map((k) => h("li", { "data-task": k.id },
        h("strong", { text: k.project.name }), " · ", k.campaign || "",
        h("div", { class: "hint", text: t("work.deadline") + k.due_date }),
        h("a", { class: "button", href: "#/new?task=" + k.id, text: t("work.do_task") })))));
  }
  return out;
}

// preset is what the new-check form starts from for ?order= (a
// verification of the order's project) or ?task= (the task's
// post-completion inspection, carrying task_id); null otherwise.
export function preset(w, params) {
  const o = params.get("order") && w.orders[params.get("order")];
  if (o) return { project: o.project_id, type: "verification", note: t("new.for_order") + o.number, body: {} };
  const k = params.get("task") && (w.tasks || []).find((x) => x.id === params.get("task"));
  if (k) return { project: k.project.id, type: "post_completion", note: t("new.for_task") + " · " + (k.campaign || ""), body: { task_id: k.id } };
  return null;
}

// showChainage writes where fix lies along project's road into el (empty
// when the project has no route).
export function showChainage(el, fix, project) {
  const hasRoute = project && project.route && project.route.coordinates && project.route.coordinates.length > 0;
  el.hidden = !fix || !hasRoute;
  if (el.hidden) { el.textContent = ""; delete el.dataset.chainage; return; }
  const p = chainage.place(fix, project);
  if (!p) { el.textContent = t("new.off_road"); delete el.dataset.chainage; return; }
  el.dataset.chainage = p.chainage;
  el.dataset.side = p.side;
  el.textContent = t("new.chainage", p.chainage, named("side", p.side), Math.round(p.offsetM));
}

// renderRespond is the contractor's answer to an order: text and photos,
// queued in the outbox before the page says saved.
export async function renderRespond(ctx, params) {
  const { h, main, db, w, fix, done, localTime } = ctx;
  const o = w.orders[params.get("order")];
  if (!o) { location.hash = "#/work"; return; }
  const err = h("div", { id: "respond-error", role: "alert" });
  const form = h("form", { id: "respond", onsubmit: async (e) => {
    e.preventDefault();
    const text = document.getElementById("respond-text").value.trim();
    const picked = [...document.getElementById("respond-photos").files];
    if (!text || picked.length === 0) { err.className = "error"; err.textContent = t("respond.need"); return; }
    const files = picked.map((f) => ({ id: crypto.randomUUID(), file: f }));
    const f = fix();
    const body = { text, photo_ids: files.map((x) => x.id), captured_at: localTime(new Date()) };
    if (f) body.location = { lat: f.lat, lon: f.lon, accuracy_m: f.accuracy };
    await responses.save(db, o.id, body, files, o.status === "issued",
      { project: w.projects[o.project_id] ? w.projects[o.project_id].name : o.project_id, title: t("respond.queued") + " " + o.number });
    done();
  } },
  h("p", { class: "notice", text: o.number + " · " + o.defect }),
  o.required_action ? h("p", { class: "hint", text: o.required_action }) : null,
  h("label", { for: "respond-text", text: t("respond.text") }), h("textarea", { id: "respond-text", required: true }),
  h("label", { for: "respond-photos", text: t("respond.photos") }),
  h("input", { id: "respond-photos", type: "file", accept: "image/*", capture: "environment", multiple: true }),
  err, h("button", { type: "submit", id: "respond-save", text: t("respond.save") }));
  main().replaceChildren(h("h1", { text: t("respond.heading") }), form);
}
