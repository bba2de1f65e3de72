// My work: what /sync brought, kept in IndexedDB so it is there offline.
// Tombstones remove, a reset starts over (not the outbox: that is separate).
import * as idb from "./db.js";

export async function sync(db, api) {
  const prev = (await idb.get(db, "kv", "work")) || { cursor: "", projects: {}, checks: {} };
  let cursor = prev.cursor;
  let w = prev;
  for (;;) {
    const page = await api.getJSON("/api/v1/sync" + (cursor ? "?cursor=" + encodeURIComponent(cursor) : ""));
    if (page.reset) w = { cursor: "", projects: {}, checks: {} };
    for (const it of page.items) {
      const bucket = it.kind === "project" ? w.projects : it.kind === "check" ? w.checks : null;
      if (!bucket) continue;
      if (it.op === "delete") delete bucket[it.id];
      else bucket[it.id] = it.kind === "project" ? it.project : it.check;
    }
    cursor = page.cursor;
    if (!page.more) break;
  }
  w.cursor = cursor;
  w.synced = Date.now();
  const lists = await api.getJSON("/api/v1/checklists");
  await idb.put(db, "kv", lists.items, "checklists");
  await idb.put(db, "kv", w, "work");
  return w;
}

export async function cached(db) {
  return (await idb.get(db, "kv", "work")) || { cursor: "", projects: {}, checks: {} };
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
