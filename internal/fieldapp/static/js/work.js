// My work: what /sync brought, kept in IndexedDB so it is there offline.
// Tombstones remove, a reset starts over (not the outbox: that is separate).
import * as idb from "./db.js";
import { AuthError } from "./api.js";
import * as monthly from "./monthly.js";

export async function sync(db, api) {
  const prev = (await idb.get(db, "kv", "work")) || { cursor: "", projects: {}, checks: {} };
  let cursor = prev.cursor;
  let w = prev;
  w.orders = w.orders || {};
  for (;;) {
    const page = await api.getJSON("/api/v1/sync" + (cursor ? "?cursor=" + encodeURIComponent(cursor) : ""));
    if (page.reset) w = { cursor: "", projects: {}, checks: {}, orders: {} };
    for (const it of page.items) {
      const bucket = { project: w.projects, check: w.checks, order: w.orders }[it.kind];
      if (!bucket) continue;
      if (it.op === "delete") delete bucket[it.id];
      else bucket[it.id] = it[it.kind];
    }
    cursor = page.cursor;
    if (!page.more) break;
  }
  w.cursor = cursor;
  w.synced = Date.now();
  Object.assign(w, await tasks(api, w));
  const lists = await api.getJSON("/api/v1/checklists");
  await idb.put(db, "kv", lists.items, "checklists");
  await idb.put(db, "kv", w, "work");
  // The month's reports after the work they belong to: a failure keeps
  // what was known (the work itself is already kept).
  try {
    await monthly.refresh(db, api, w);
  } catch (err) {
    if (err instanceof AuthError) throw err;
  }
  return w;
}

export async function cached(db) {
  const w = (await idb.get(db, "kv", "work")) || { cursor: "", projects: {}, checks: {} };
  w.orders = w.orders || {};
  w.tasks = w.tasks || [];
  return w;
}

// tasks are who the user is (me: id, role) and the open look-back
// campaign tasks assigned to them. /sync does not carry campaigns, so they
// come from the campaign API, which refuses roles that take no part
// (volunteers, contractors): for them the list is empty. A failure keeps
// what was known.
async function tasks(api, prev) {
  const keep = { me: prev.me || null, tasks: prev.tasks || [] };
  try {
    const me = await api.getJSON("/api/v1/me");
    keep.me = { id: me.id, role: me.role };
    const res = await api.send("GET", "/api/v1/campaigns?limit=100");
    if (res.status === 403) return { me: keep.me, tasks: [] };
    if (!res.ok) return keep;
    const out = [];
    for (const c of (await res.json()).items) {
      const page = await api.getJSON("/api/v1/campaigns/" + c.id + "/tasks?limit=100&assignee=" + encodeURIComponent(me.id));
      for (const tk of page.items) if (tk.status !== "done" && tk.assignee_id === me.id) out.push({ ...tk, campaign: c.name });
    }
    return { me: keep.me, tasks: out };
  } catch (err) {
    if (err instanceof AuthError) throw err;
    return keep;
  }
}

export async function checklists(db) {
  return (await idb.get(db, "kv", "checklists")) || [];
}

// distance in metres from a fix to a project (its point, or the nearest
// vertex of its route); Infinity when it has neither.
export function distance(fix, p) {
  const pts = [];
  if (p.location) pts.push([p.location.lat, p.location.lon]);
  if (p.route && p.route.coordinates) for (const [lon, lat] of p.route.coordinates) pts.push([lat, lon]);
  let best = Infinity;
  for (const [lat, lon] of pts) best = Math.min(best, haversine(fix.lat, fix.lon, lat, lon));
  return best;
}

function haversine(lat1, lon1, lat2, lon2) {
  const r = (d) => (d * Math.PI) / 180;
  const a = Math.sin(r(lat2 - lat1) / 2) ** 2 + Math.cos(r(lat1)) * Math.cos(r(lat2)) * Math.sin(r(lon2 - lon1) / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.sqrt(a));
}
