// The field app's pages: sign in, my work, file a check, the outbox.
// Everything it knows comes from the public API (api.js) and is kept in
// IndexedDB; the outbox (outbox.js) does the sending.
import * as idb from "./db.js";
import { Api, AuthError } from "./api.js";
import * as outbox from "./outbox.js";
import * as work from "./work.js";
import * as extras from "./extras.js";
import * as monthly from "./monthly.js";
import * as monthlyForm from "./monthlyform.js";
import { shownLang, chooseLang, load, named, t, when } from "./i18n.js";

const TICK = 3000;
let db, api;
let fix = null;
let watch = null;
let notice = "";
let saved = null;

const main = () => document.getElementById("main");

function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat()) if (kid) el.append(kid);
  return el;
}

async function start() {
  await load();
  db = await idb.open();
  api = new Api(db);
  await outbox.recover(db);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch(() => {});
  showNet();
  addEventListener("online", async () => { showNet(); await outbox.wake(db); send(); background(); });
  addEventListener("offline", showNet);
  addEventListener("hashchange", route);
  document.getElementById("lang").addEventListener("click", async () => {
    chooseLang(shownLang() === "en" ? "zh-CN" : "en");
    await load();
    showNet();
    route();
  });
  setInterval(send, TICK);
  await route();
  send();
  background();
}

function showNet() {
  const el = document.getElementById("net");
  el.textContent = navigator.onLine ? t("online") : t("offline");
  el.className = navigator.onLine ? "net" : "net off";
}

// send drains the outbox and refreshes what the page shows of it.
async function send() {
  if (!(await api.signedIn())) return;
  try {
    await outbox.drain(db, api, refreshQueue);
  } catch (err) {
    if (err instanceof AuthError) { notice = t("signin.expired"); location.hash = "#/signin"; }
  }
  refreshQueue({ now: true });
}

async function background() {
  if (!navigator.onLine || !(await api.signedIn())) return;
  try {
    await work.sync(db, api);
    if (location.hash === "#/work" || location.hash === "") route();
  } catch { /* shown on the work page as the last sync time */ }
}

// sending holds how far each check's photo upload has gone (0–100), as
// the outbox reports it; shown in the queue as "sending n%".
const sending = {};

const QUEUE_EVERY = 150;
let queueTimer = null, queueAt = 0;
function refreshQueue(ev) {
  if (ev && ev.fraction !== undefined) {
    // Progress comes many times a second: update the one line in place
    // rather than re-rendering (which the debounce below would starve).
    const pct = Math.floor(ev.fraction * 100);
    sending[ev.check] = pct;
    const el = document.querySelector(`#queue li[data-check="${ev.check}"] .progress`);
    if (el) { el.textContent = " " + t("queue.progress", pct); el.dataset.percent = String(pct); }
    return;
  }
  // At most one redraw per QUEUE_EVERY ms (the first at once), so a fast
  // drain does not spend its time between requests redrawing; a change
  // during a redraw schedules one more, so the last state is always drawn.
  // A drain's end ({now}) is drawn at once.
  if (ev && ev.now) { clearTimeout(queueTimer); queueTimer = null; queueAt = 0; }
  if (queueTimer !== null) return;
  queueTimer = setTimeout(async () => {
    queueTimer = null;
    queueAt = Date.now();
    const p = await outbox.pending(db);
    document.getElementById("pending-count").textContent = String(p.checks + p.failed);
    document.body.dataset.pending = String(p.checks);
    document.body.dataset.photos = String(p.photos);
    if (location.hash === "#/queue") renderQueue();
  }, Math.max(0, queueAt + QUEUE_EVERY - Date.now()));
}

async function route() {
  if (watch !== null && location.hash !== "#/new" && !location.hash.startsWith("#/new?")) {
    navigator.geolocation.clearWatch(watch);
    watch = null;
  }
  if (!location.hash.startsWith("#/monthly")) monthlyForm.stop();
  const signed = await api.signedIn();
  document.getElementById("nav").hidden = !signed;
  const hash = location.hash || "#/work";
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("here", hash.startsWith(a.getAttribute("href")));
  if (!signed) return renderSignIn();
  if (hash.startsWith("#/new")) return renderNew(new URLSearchParams(hash.split("?")[1] || ""));
  if (hash === "#/queue") return renderQueue();
  if (hash.startsWith("#/respond")) {
    return extras.renderRespond({ h, main, db, w: await work.cached(db), fix: () => fix, localTime,
      done: () => { notice = t("new.saved"); location.hash = "#/queue"; send(); } }, new URLSearchParams(hash.split("?")[1] || ""));
  }
  if (hash.startsWith("#/monthly")) {
    return monthlyForm.render({ h, main, db, w: await work.cached(db),
      done: () => { notice = t("new.saved"); location.hash = "#/queue"; send(); } }, new URLSearchParams(hash.split("?")[1] || ""));
  }
  if (hash === "#/signout") { await api.signOut(); location.hash = "#/signin"; return; }
  return renderWork();
}

function renderSignIn() {
  const err = h("div", { id: "signin-error", role: "alert" });
  if (notice) { err.className = "error"; err.textContent = notice; notice = ""; }
  const form = h("form", { id: "signin", onsubmit: async (e) => {
    e.preventDefault();
    if (!navigator.onLine) { err.className = "error"; err.textContent = t("signin.offline"); return; }
    try {
      await api.signIn(form.username.value.trim(), form.password.value);
      location.hash = "#/work";
      await background();
      route();
      send();
    } catch (x) {
      err.className = "error";
      err.textContent = t("signin.failed") + x.message;
    }
  } },
  h("label", { for: "username", text: t("signin.username") }),
  h("input", { id: "username", name: "username", autocomplete: "username", required: true }),
  h("label", { for: "password", text: t("signin.password") }),
  h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true }),
  h("button", { type: "submit", text: t("signin.submit") }));
  main().replaceChildren(h("h1", { text: t("signin.heading") }), err, form);
}

async function renderWork() {
  const w = await work.cached(db);
  const titles = Object.fromEntries((await work.checklists(db)).map((c) => [c.type, named("check_type", c.type, c.title)]));
  // A returned check is answered once its amendment (which names it in
  // supersedes) is waiting in the outbox; once filed, /sync resends the old
  // check as superseded.
  const amended = new Set();
  const queued = await outbox.list(db);
  for (const q of queued) if (q.body.supersedes && q.state !== outbox.FAILED) amended.add(q.body.supersedes);
  const returned = Object.values(w.checks).filter((c) => c.state === "returned" && !amended.has(c.id));
  const mine = Object.values(w.checks).filter((c) => c.state === "filed")
    .sort((a, b) => Date.parse(b.captured_at) - Date.parse(a.captured_at)).slice(0, 20);
  const projects = Object.values(w.projects).sort((a, b) => a.code.localeCompare(b.code));
  const name = (id) => (w.projects[id] ? w.projects[id].name : id);
  main().replaceChildren(
    h("h1", { text: t("work.heading") }),
    h("p", { class: "hint", id: "synced", text: w.synced ? t("work.synced") + when(w.synced) : t("work.never") }),
    h("h2", { text: t("work.returned") }),
    returned.length === 0 ? h("p", { text: t("work.none_returned") }) :
      h("ul", { class: "list", id: "returned" }, returned.map((c) => h("li", { "data-check": c.id },
        h("strong", { text: name(c.project_id) }), " · ", titles[c.type] || c.type,
        (c.flags || []).map((f) => h("span", { class: "flag", "data-flag": f, text: t("flag." + f) })),
        h("p", { class: "reason", text: t("work.reason") + (c.returned ? c.returned.note : "") }),
        h("a", { class: "button", href: "#/new?amend=" + c.id, text: t("work.amend") })))),
    ...monthlyForm.sections(h, await monthly.cached(db), w, queued),
    ...extras.sections(h, w, queued),
    h("h2", { text: t("work.mine") }),
    mine.length === 0 ? h("p", { text: t("work.none_mine") }) :
      h("ul", { class: "list", id: "mine" }, mine.map((c) => h("li", { "data-check": c.id, "data-status": c.status },
        h("strong", { text: name(c.project_id) }), " · ", titles[c.type] || c.type,
        (c.flags || []).map((f) => h("span", { class: "flag", "data-flag": f, text: t("flag." + f) })),
        h("div", { class: "hint", text: when(Date.parse(c.captured_at)) + " · " + t("result." + c.result) +
          (c.status === "incomplete" ? " · " + t("work.incomplete") : "") })))),
    h("h2", { text: t("work.projects") }),
    projects.length === 0 ? h("p", { text: t("work.no_projects") }) :
      h("ul", { class: "list", id: "projects" }, projects.map((p) => h("li", { "data-project": p.id },
        h("strong", { text: p.name }), h("div", { class: "hint", text: p.code + " · " + (p.township || "") })))),
    h("button", { type: "button", class: "secondary", id: "sync", text: t("work.sync"), onclick: async () => {
      try { await work.sync(db, api); renderWork(); } catch { main().prepend(h("p", { class: "error", text: t("work.sync_failed") })); }
    } }),
    h("button", { type: "button", class: "secondary", id: "signout", text: t("nav.signout"), onclick: () => { location.hash = "#/signout"; } }),
  );
  performance.mark("app-work"); // "usable" for scripts/appbench
}

function localTime(d) {
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  const off = -d.getTimezoneOffset();
  return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" +
    pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + (off >= 0 ? "+" : "-") + pad(off / 60) + ":" + pad(off % 60);
}

async function renderNew(params) {
  const w = await work.cached(db);
  const lists = await work.checklists(db);
  const amend = params.get("amend") ? w.checks[params.get("amend")] : null;
  const preset = extras.preset(w, params);
  const projects = Object.values(w.projects);
  if (projects.length === 0 || lists.length === 0) {
    main().replaceChildren(h("h1", { text: t("new.heading") }), h("p", { class: "error", text: t("new.no_projects") }));
    return;
  }
  const projectSel = h("select", { id: "project", name: "project" });
  const fillProjects = () => {
    const keep = projectSel.value || (amend && amend.project_id) || (preset && preset.project);
    const sorted = projects.slice().sort((a, b) => fix ? work.distance(fix, a) - work.distance(fix, b) : a.code.localeCompare(b.code));
    projectSel.replaceChildren(...sorted.map((p) => {
      const d = fix ? work.distance(fix, p) : Infinity;
      return h("option", { value: p.id, text: p.name + (Number.isFinite(d) ? " (" + t("new.distance", Math.round(d)) + ")" : "") });
    }));
    if (keep) projectSel.value = keep;
  };
  fillProjects();
  projectSel.addEventListener("change", () => showFix());
  const typeSel = h("select", { id: "type", name: "type" },
    lists.map((c) => h("option", { value: c.type, text: named("check_type", c.type, c.title) })));
  if (amend) { typeSel.value = amend.type; projectSel.disabled = true; typeSel.disabled = true; }
  if (preset && lists.some((c) => c.type === preset.type)) typeSel.value = preset.type;
  const items = h("div", { id: "items" });
  const drawItems = () => items.replaceChildren(...lists.find((c) => c.type === typeSel.value).items.map(itemField));
  typeSel.addEventListener("change", drawItems);
  drawItems();
  const loc = h("p", { id: "location", class: "hint", text: t("new.locating") });
  const err = h("div", { id: "new-error", role: "alert" });
  const along = h("p", { id: "chainage", class: "hint", hidden: true });
  const showFix = () => {
    extras.showChainage(along, fix, w.projects[projectSel.value]);
    if (fix) loc.textContent = fix.lat.toFixed(5) + ", " + fix.lon.toFixed(5) + " · " + t("new.accuracy", Math.round(fix.accuracy));
  };
  showFix();
  if (navigator.geolocation && watch === null) {
    watch = navigator.geolocation.watchPosition((p) => {
      const first = !fix;
      fix = { lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy };
      showFix();
      if (first) fillProjects();
    }, () => { if (!fix) loc.textContent = t("new.no_location"); }, { enableHighAccuracy: true, maximumAge: 10000 });
  }
  const form = h("form", { id: "new-check", onsubmit: async (e) => {
    e.preventDefault();
    const list = lists.find((c) => c.type === typeSel.value);
    const answers = {};
    const files = [];
    const missing = [];
    for (const it of list.items) {
      const el = document.getElementById("item-" + it.key);
      let v;
      if (it.type === "yes_no") v = el.value === "" ? undefined : el.value === "yes";
      else if (it.type === "number") v = el.value === "" ? undefined : Number(el.value);
      else if (it.type === "photo") {
        const ids = [...el.files].map((f) => { const id = crypto.randomUUID(); files.push({ id, file: f }); return id; });
        v = ids.length ? ids : undefined;
      } else v = el.value === "" ? undefined : el.value;
      if (v === undefined) { if (it.required) missing.push(named("item", it.key, it.label)); } else answers[it.key] = v;
    }
    if (missing.length) { err.className = "error"; err.textContent = t("new.required") + missing.join("、"); return; }
    if (!fix) { err.className = "error"; err.textContent = t("new.no_location"); return; }
    const photoIDs = [...document.getElementById("photos").files].map((f) => {
      const id = crypto.randomUUID();
      files.push({ id, file: f });
      return id;
    });
    const body = {
      id: crypto.randomUUID(), project_id: projectSel.value, type: list.type, template_version: list.version, answers,
      notes: document.getElementById("notes").value, location: { lat: fix.lat, lon: fix.lon, accuracy_m: fix.accuracy },
      captured_at: localTime(new Date()), photo_ids: photoIDs,
    };
    if (amend) body.supersedes = amend.id;
    if (preset) Object.assign(body, preset.body);
    const p = w.projects[body.project_id];
    await outbox.save(db, body, files, { project: p ? p.name : body.project_id, title: named("check_type", list.type, list.title) });
    notice = t("new.saved");
    location.hash = "#/queue";
    send();
  } },
  amend ? h("p", { class: "notice", text: t("new.amends") + " · " + t("work.reason") + (amend.returned ? amend.returned.note : "") }) : null,
  h("label", { for: "project", text: t("new.project") }), projectSel,
  h("label", { for: "type", text: t("new.type") }), typeSel,
  items,
  h("label", { for: "notes", text: t("new.notes") }), h("textarea", { id: "notes", name: "notes" }),
  h("label", { for: "photos", text: t("new.photos") }),
  h("input", { id: "photos", name: "photos", type: "file", accept: "image/*", capture: "environment", multiple: true }),
  preset ? h("p", { class: "notice", id: "preset", text: preset.note }) : null,
  h("label", { text: t("new.location") }), loc, along,
  err,
  h("button", { type: "submit", id: "save", text: t("new.save") }));
  main().replaceChildren(h("h1", { text: t("new.heading") }), form);
}

function itemField(it) {
  const id = "item-" + it.key;
  const label = h("label", { for: id, text: named("item", it.key, it.label) + (it.required ? " *" : "") + (it.unit ? " (" + it.unit + ")" : "") });
  if (it.type === "yes_no") {
    return h("div", {}, label, h("select", { id }, h("option", { value: "", text: t("new.choose") }),
      h("option", { value: "yes", text: t("new.yes") }), h("option", { value: "no", text: t("new.no") })));
  }
  if (it.type === "choice") {
    return h("div", {}, label, h("select", { id }, h("option", { value: "", text: t("new.choose") }),
      (it.options || []).map((o) => h("option", { value: o, text: o }))));
  }
  if (it.type === "photo") {
    return h("div", {}, label, h("input", { id, type: "file", accept: "image/*", capture: "environment", multiple: true }));
  }
  if (it.type === "number") {
    const limits = [it.min !== undefined && it.min !== null ? "≥ " + it.min : "", it.max !== undefined && it.max !== null ? "≤ " + it.max : ""]
      .filter(Boolean).join(" ");
    const warn = h("p", { class: "warn", id: id + "-warn", hidden: true, text: t("new.out_of_range") });
    const input = h("input", { id, type: "number", inputmode: "decimal", step: "any", oninput: () => {
      const v = Number(input.value);
      warn.hidden = input.value === "" || !((it.min != null && v < it.min) || (it.max != null && v > it.max));
    } });
    return h("div", {}, label, input, limits ? h("p", { class: "hint", text: t("new.range") + " " + limits }) : null, warn);
  }
  return h("div", {}, label, h("input", { id, type: "text" }));
}

async function renderQueue() {
  const items = await outbox.list(db);
  const shown = [];
  // "Saved" stays a few seconds: the queue re-renders as sending starts,
  // which would otherwise take it away before it is read.
  if (notice) { saved = { text: notice, until: Date.now() + 4000 }; notice = ""; }
  if (saved && Date.now() < saved.until) shown.push(h("p", { class: "notice", id: "saved", text: saved.text }));
  main().replaceChildren(
    h("h1", { text: t("queue.heading") }), ...shown,
    items.length === 0 ? h("p", { text: t("queue.empty") }) :
      h("ul", { class: "list", id: "queue" }, items.map((c) => h("li", { "data-state": c.state, "data-check": c.id },
        h("strong", { text: c.meta ? c.meta.project : c.body.project_id }), " · ", c.meta ? c.meta.title : c.body.type, " ",
        h("span", { class: "state", text: t("state." + c.state) }),
        c.state === outbox.SENDING && sending[c.id] !== undefined ?
          h("span", { class: "progress", "data-percent": String(sending[c.id]), text: " " + t("queue.progress", sending[c.id]) }) :
          h("span", { class: "progress" }),
        h("div", { class: "hint", text: t("queue.photos", c.photosSent, c.photoCount) + " · " + when(c.saved) }),
        c.message ? h("p", { class: "error", text: c.message }) : null))),
    h("button", { type: "button", id: "send-now", text: t("queue.send_now"), onclick: async () => { await outbox.wake(db); send(); } }),
  );
}

start();
