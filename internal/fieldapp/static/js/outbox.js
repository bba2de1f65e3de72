// The outbox: every check and photo the inspector saved, until the server
// has it. No DOM here. Rules:
//  - save() writes the check and every photo's original bytes (the File as
//    picked, never re-encoded: it is the evidence, EXIF and all) in ONE
//    IndexedDB transaction, and resolves only when it has committed — the
//    UI says "saved" after that, so a saved check cannot lose a photo.
//  - drain() sends in the order saved: the check (POST /checks with its
//    own UUID as Idempotency-Key, the same on every retry), then its photos
//    one at a time (each with its own UUID). 201, or 200 for a replay,
//    means the server has it; a photo's bytes are then dropped.
//  - A 4xx refusal fails the item with the server's message (retrying
//    would be refused again); a network error, 5xx or 429 waits and
//    retries (Retry-After respected), with backoff.
//  - State is only in IndexedDB: a check left "sending" by a closed tab is
//    simply sent again, which the UUIDs make harmless.
import * as idb from "./db.js";
import { AuthError, problem } from "./api.js";
import * as responses from "./responses.js";

export const WAITING = "waiting", SENDING = "sending", SENT = "sent", FAILED = "failed";

const MAX_BACKOFF = 20000;

// save queues a check (the API's NewCheck body, photo_ids announced) and
// its photos [{id, file}] for sending; meta is what the queue shows.
export async function save(db, body, photos, meta) {
  const tx = db.transaction(["checks", "photos"], "readwrite");
  tx.objectStore("checks").put({
    id: body.id, body, meta, state: WAITING, posted: false, message: "",
    saved: Date.now(), attempts: 0, nextAt: 0, photoCount: photos.length, photosSent: 0,
  });
  photos.forEach((p, i) => {
    tx.objectStore("photos").put({ id: p.id, checkId: body.id, order: i, file: p.file, name: p.file.name || "photo.jpg", state: WAITING });
  });
  await idb.done(tx);
}

// list is every check the outbox knows, newest first.
export async function list(db) {
  const checks = await idb.all(db, "checks");
  return checks.sort((a, b) => b.saved - a.saved);
}

// pending counts what is still to reach the server: checks not sent (or
// failed, which need a person) and photo bytes still held.
export async function pending(db) {
  const checks = await idb.all(db, "checks");
  const photos = await idb.request(db.transaction("photos").objectStore("photos").count());
  return {
    checks: checks.filter((c) => c.state === WAITING || c.state === SENDING).length,
    failed: checks.filter((c) => c.state === FAILED).length,
    photos,
  };
}

// wake clears the backoff: the network is back, so waiting is pointless.
export async function wake(db) {
  for (const c of await idb.all(db, "checks")) {
    if (c.state === WAITING && c.nextAt > 0) await idb.update(db, "checks", c.id, { nextAt: 0 });
  }
}

// recover marks checks a closed tab left "sending" as waiting again (they
// are sent again, which their UUIDs make harmless). Under the outbox lock,
// so a check another tab is really sending is left alone.
export async function recover(db) {
  const run = async () => {
    for (const c of await idb.all(db, "checks")) {
      if (c.state === SENDING) await idb.update(db, "checks", c.id, { state: WAITING });
    }
  };
  return navigator.locks ? navigator.locks.request("fieldproof-outbox", run) : run();
}

let running = null;

// drain sends what is due; concurrent calls (timer, online event, save)
// share one run, and a Web Lock keeps two tabs from sending at once.
export function drain(db, api, notify = () => {}) {
  if (!running) {
    const run = () => drainOnce(db, api, notify);
    const p = navigator.locks ? navigator.locks.request("fieldproof-outbox", run) : run();
    running = p.finally(() => { running = null; });
  }
  return running;
}

async function drainOnce(db, api, notify) {
  const due = (await idb.all(db, "checks"))
    .filter((c) => c.state === WAITING || c.state === SENDING)
    .sort((a, b) => a.saved - b.saved);
  for (const c of due) {
    if (c.nextAt > Date.now()) continue;
    if (!navigator.onLine) return;
    if ((await sendCheck(db, api, c, notify)) === "stop") return;
  }
}

async function sendCheck(db, api, c, notify) {
  await idb.update(db, "checks", c.id, { state: SENDING });
  notify();
  let photo = null;
  try {
    if (c.kind === responses.KIND) return await responses.send(db, api, c, notify);
    if (!c.posted) {
      const res = await api.send("POST", "/api/v1/checks", { json: c.body, idem: c.id });
      if (!res.ok) return await refused(db, c, res, null, notify);
      c = await idb.update(db, "checks", c.id, { posted: true, attempts: 0 });
      notify();
    }
    const photos = (await idb.request(db.transaction("photos").objectStore("photos").index("check").getAll(c.id)))
      .sort((a, b) => a.order - b.order);
    for (photo of photos) {
      await idb.update(db, "photos", photo.id, { state: SENDING });
      const form = new FormData();
      form.append("photo_id", photo.id);
      form.append("file", photo.file, photo.name);
      const progress = (f) => notify({ check: c.id, photo: photo.id, fraction: f });
      const res = await api.send("POST", "/api/v1/checks/" + c.id + "/photos", { form, progress });
      if (!res.ok) return await refused(db, c, res, photo, notify);
      await idb.del(db, "photos", photo.id);
      c = await idb.update(db, "checks", c.id, { photosSent: c.photoCount - (photos.length - photos.indexOf(photo) - 1), attempts: 0 });
      notify();
    }
    await idb.update(db, "checks", c.id, { state: SENT, sentAt: Date.now(), message: "" });
    notify();
    return "ok";
  } catch (err) {
    if (err instanceof AuthError) {
      await idb.update(db, "checks", c.id, { state: WAITING });
      notify();
      throw err;
    }
    await later(db, c, 0, notify);
    return "stop";
  }
}

// refused handles an answer that is not a success.
export async function refused(db, c, res, photo, notify) {
  if (res.status >= 500 || res.status === 429 || res.status === 408) {
    const ra = Number(res.headers.get("Retry-After"));
    await later(db, c, Number.isFinite(ra) ? ra * 1000 : 0, notify);
    return "stop";
  }
  const p = await problem(res);
  await idb.update(db, "checks", c.id, { state: FAILED, message: p.message, failedPhoto: photo ? photo.id : null });
  if (photo) await idb.update(db, "photos", photo.id, { state: FAILED, message: p.message });
  notify();
  return "next";
}

async function later(db, c, atLeast, notify) {
  const cur = await idb.get(db, "checks", c.id);
  const attempts = ((cur && cur.attempts) || 0) + 1;
  const wait = Math.max(atLeast, Math.min(MAX_BACKOFF, 1000 * 2 ** (attempts - 1)));
  await idb.update(db, "checks", c.id, { state: WAITING, attempts, nextAt: Date.now() + wait });
  notify();
}
