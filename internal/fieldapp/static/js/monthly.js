// Monthly reports (月报), the data half: what the contractor's unit must
// report this month, kept in IndexedDB so it shows with no signal, and a
// report's way through the outbox. No DOM here (monthlyform.js draws).
//  - refresh() fetches, for a contractor, the indicators and photo points
//    of every project under construction in scope, and this period's
//    reports; a failure keeps what was known.
//  - save() queues a report as one outbox item of kind "monthly" (in the
//    "checks" store, its new photos in "photos" under its id) in ONE
//    transaction, before the page says saved — so it is listed, counted,
//    retried and recovered exactly as a check is.
//  - send: create the report (POST with the report's client UUID as id and
//    Idempotency-Key) or, for one the server already has (a draft, or
//    returned by the office), replace its content (PUT); then its new
//    photos one at a time; then submit. Every step is safe to repeat: the
//    same ids and keys go on every retry.
import * as idb from "./db.js";
import { problem } from "./api.js";
import { WAITING, SENDING, SENT, FAILED, refused } from "./outbox.js";

export const KIND = "monthly";

// ZONE is the county's (FIELDPROOF_TZ's default): a period is a month
// there. A server set to another zone differs only around midnight at a
// month's turn, and then refuses a month not begun (422, shown).
const ZONE = "Asia/Shanghai";

// period is the current reporting month, "2026-06".
export function period(now = new Date()) {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit" }).formatToParts(now);
  const get = (k) => parts.find((p) => p.type === k).value;
  return get("year") + "-" + get("month");
}

export async function cached(db) {
  return (await idb.get(db, "kv", "monthly")) || { period: period(), projects: {}, reports: {}, synced: 0 };
}

// refresh brings this period's reporting work for the contractor in w.me
// (other roles do not report: they get an empty list).
export async function refresh(db, api, w) {
  const prev = await cached(db);
  if (!w.me || w.me.role !== "contractor") {
    await idb.put(db, "kv", { period: period(), projects: {}, reports: {}, synced: Date.now() }, "monthly");
    return;
  }
  const pd = period();
  const out = { period: pd, projects: {}, reports: {}, synced: Date.now() };
  const building = Object.values(w.projects).filter((p) => p.status === "under_construction");
  await Promise.all(building.map(async (p) => {
    const [inds, pts] = await Promise.all([
      api.getJSON("/api/v1/projects/" + p.id + "/indicators"),
      api.getJSON("/api/v1/projects/" + p.id + "/photo-points"),
    ]);
    out.projects[p.id] = { indicators: inds.items, points: pts.items };
  }));
  const reports = await api.getJSON("/api/v1/monthly-reports?period=" + pd);
  for (const r of reports.items) if (out.projects[r.project_id]) out.reports[r.project_id] = r;
  // A report sent since the list was read stays as the phone knows it.
  for (const [pid, r] of Object.entries(prev.reports || {})) {
    if (r.local && r.period === pd && !out.reports[pid]) out.reports[pid] = r;
  }
  await idb.put(db, "kv", out, "monthly");
}

// queuedFor is the newest outbox item of project's report this period
// that is still to send or was sent (a failed one is filed again).
export function queuedFor(items, projectId, pd) {
  return items.filter((c) => c.kind === KIND && c.projectId === projectId && c.period === pd && c.state !== FAILED)
    .sort((a, b) => b.saved - a.saved)[0] || null;
}

// failedFor is the newest failed item (its message is shown in the list).
export function failedFor(items, projectId, pd) {
  return items.filter((c) => c.kind === KIND && c.projectId === projectId && c.period === pd && c.state === FAILED)
    .sort((a, b) => b.saved - a.saved)[0] || null;
}

// save queues a report: reportId (the server's if it has one, else a new
// UUID, create true), body (values, narrative, problems, help_requested,
// photos [{point_id, photo_id, caption}]), and the new photos [{id, file}]
// (original bytes; points kept from the server's report send nothing).
export async function save(db, { reportId, create, projectId, period: pd, body }, photos, meta) {
  const id = crypto.randomUUID();
  const tx = db.transaction(["checks", "photos"], "readwrite");
  tx.objectStore("checks").put({
    id, kind: KIND, reportId, create, projectId, period: pd, body, meta, state: WAITING, posted: false,
    submitted: false, message: "", saved: Date.now(), attempts: 0, nextAt: 0, photoCount: photos.length, photosSent: 0,
  });
  photos.forEach((p, i) => {
    tx.objectStore("photos").put({ id: p.id, checkId: id, order: i, file: p.file, name: p.file.name || "photo.jpg", state: WAITING });
  });
  await idb.done(tx);
  return id;
}

const BASE = "/api/v1/monthly-reports";

// send delivers one monthly item (outbox.js has marked it sending); the
// answer is drain's ("ok", "next" after a refusal, "stop" to wait).
// Network errors throw to outbox.js, which backs off as for a check.
export async function send(db, api, c, notify) {
  if (!c.posted) {
    let res;
    if (c.create) {
      res = await api.send("POST", BASE, { json: { id: c.reportId, project_id: c.projectId, period: c.period, ...c.body }, idem: c.reportId });
      if (res.status === 409) {
        // Another phone of the unit filed this month's report first: this
        // one becomes an edit of it (the office gets one report).
        const p = await problem(res);
        if (!(p.body && p.body.code === "report_exists" && p.body.report_id)) return refuse(db, c, p, null, notify);
        c = await idb.update(db, "checks", c.id, { create: false, reportId: p.body.report_id });
        res = await put(api, c);
      }
    } else {
      res = await put(api, c);
    }
    if (!res.ok) return answer(db, c, res, null, notify);
    c = await idb.update(db, "checks", c.id, { posted: true, attempts: 0 });
    notify();
  }
  const photos = (await idb.request(db.transaction("photos").objectStore("photos").index("check").getAll(c.id)))
    .sort((a, b) => a.order - b.order);
  for (const photo of photos) {
    await idb.update(db, "photos", photo.id, { state: SENDING });
    const form = new FormData();
    form.append("photo_id", photo.id);
    form.append("file", photo.file, photo.name);
    const res = await api.send("POST", BASE + "/" + c.reportId + "/photos", { form });
    if (!res.ok) return answer(db, c, res, photo, notify);
    await idb.del(db, "photos", photo.id);
    c = await idb.update(db, "checks", c.id, { photosSent: c.photosSent + 1, attempts: 0 });
    notify();
  }
  const res = await api.send("POST", BASE + "/" + c.reportId + "/submit", { json: {}, idem: "submit-" + c.id });
  if (!res.ok) return answer(db, c, res, null, notify);
  const r = await res.json();
  await remember(db, { ...r, local: true });
  await idb.update(db, "checks", c.id, { state: SENT, submitted: true, sentAt: Date.now(), message: "" });
  notify();
  return "ok";
}

function put(api, c) {
  return api.send("PUT", BASE + "/" + c.reportId, { json: c.body, idem: "update-" + c.id });
}

// answer: a server or network trouble waits (outbox.refused backs off); a
// refusal fails the item with the server's reasons, field by field.
async function answer(db, c, res, photo, notify) {
  if (res.status >= 500 || res.status === 429 || res.status === 408 || res.status === 401) return refused(db, c, res, photo, notify);
  return refuse(db, c, await problem(res), photo, notify);
}

async function refuse(db, c, p, photo, notify) {
  const fields = ((p.body && p.body.errors) || []).map((e) => e.field + ": " + e.message);
  // The fields at fault say more than the problem's general title.
  const message = fields.length ? fields.join("；") : p.message;
  await idb.update(db, "checks", c.id, { state: FAILED, message, failedPhoto: photo ? photo.id : null });
  if (photo) await idb.update(db, "photos", photo.id, { state: FAILED, message });
  notify();
  return "next";
}

// remember keeps the server's answer as the project's report this period,
// so my work shows it submitted before the next sync.
async function remember(db, r) {
  const m = await cached(db);
  if (r.period !== m.period) return;
  m.reports[r.project_id] = r;
  await idb.put(db, "kv", m, "monthly");
}

// Guidance to a photo point from a fix: metres and the bearing to walk.
export function distance(a, b) {
  const r = (d) => (d * Math.PI) / 180;
  const x = Math.sin(r(b.lat - a.lat) / 2) ** 2 + Math.cos(r(a.lat)) * Math.cos(r(b.lat)) * Math.sin(r(b.lon - a.lon) / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.sqrt(x));
}

// bearing is the initial great-circle bearing from a to b, degrees
// clockwise from north, [0, 360).
export function bearing(a, b) {
  const r = (d) => (d * Math.PI) / 180;
  const y = Math.sin(r(b.lon - a.lon)) * Math.cos(r(b.lat));
  const x = Math.cos(r(a.lat)) * Math.sin(r(b.lat)) - Math.sin(r(a.lat)) * Math.cos(r(b.lat)) * Math.cos(r(b.lon - a.lon));
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

// compass names a bearing as one of eight directions ("N", "NE", …).
export function compass(deg) {
  return ["N", "NE", "E", "SE", "S", "SW", "W", "NW"][Math.round((((deg % 360) + 360) % 360) / 45) % 8];
}

// Limits the server applies to a figure (internal/monthly): refused when
// negative, not finite, over 1e9 or over ten times the target; flagged
// (accepted) when below the last figure or above the target.
export const MAX_VALUE = 1e9, ABSURD_TIMES = 10;

export function judge(ind, v) {
  if (!Number.isFinite(v)) return { refuse: "invalid" };
  if (v < 0) return { refuse: "negative" };
  if (v > MAX_VALUE || (ind.target > 0 && v > ABSURD_TIMES * ind.target)) return { refuse: "absurd" };
  const flags = [];
  if (ind.value_date && v < ind.value) flags.push("decreased");
  if (ind.target > 0 && v > ind.target) flags.push("exceeds_target");
  return { flags };
}
