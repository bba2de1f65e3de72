// The outbox: every check and photo the inspector saved, until the server
// has it. No DOM here. Rules:
//  - save() writes the check and every photo's original bytes (the File as
//    picked, never re-encoded: it is the evidence, EXIF and all) in ONE
//    IndexedDB transaction, and resolves only when it has committed — the
//    UI says "saved" after that, so a saved check cannot lose a photo.
//  - drain() sends in the order saved: the check (POST /checks with its
//    own UUID as Idempotency-Key, the same on every retry), then its photos
//    one at a time (each with its own UUID). 201, or 200 for a replay,
//    means the server has it; a photo's bytes are then dropped. The next
//    check's POST may go while the current photo uploads (drainOnce), but
//    never a photo before its own check's POST succeeded, and never two
//    photos at once.
//  - A 4xx refusal fails the item with the server's message (retrying
//    would be refused again); a network error, 5xx or 429 waits and
//    retries (Retry-After respected), with backoff.
//  - State is only in IndexedDB: a check left "sending" by a closed tab is
//    simply sent again, which the UUIDs make harmless.
import * as idb from "./db.js";
import { AuthError, problem } from "./api.js";
import * as responses from "./responses.js";
import * as monthly from "./monthly.js";

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

// LEAD is how many checks the check lane may have posted ahead of the
// photo lane: enough that the next check's small POST is done while the
// current photo uploads, few enough that the queue does not show a row of
// checks "sending" whose photos have not started.
const LEAD = 2;

// drainOnce runs two lanes, in the order saved. The check lane POSTs each
// check (small JSON) and hands it, with its photo records read ahead, to
// the photo lane, which uploads photos one at a time (never two large
// uploads at once) — so a check's photos go only after its POST
// succeeded, and the next check's POST overlaps the current photo. A
// refusal (4xx) fails that one item and both lanes go on; a network error,
// 5xx or 429 backs that item off and ends the run (the next run, on the
// timer, skips it while it waits). Responses to orders (responses.js) and
// monthly reports (monthly.js) go whole through the photo lane, so their
// photos are one at a time too.
async function drainOnce(db, api, notify) {
  const due = (await idb.all(db, "checks"))
    .filter((c) => c.state === WAITING || c.state === SENDING)
    .sort((a, b) => a.saved - b.saved);
  const ready = [];
  let listDone = false, stop = false, fault = null, wakePhotos = null, wakeChecks = null;
  const poke = (w) => { if (w) w(); };
  const handOver = (job) => { ready.push(job); poke(wakePhotos); };
  const halt = (err) => { stop = true; if (err && !fault) fault = err; poke(wakePhotos); poke(wakeChecks); };

  const checkLane = async () => {
    try {
      for (const c of due) {
        while (!stop && ready.length >= LEAD) await new Promise((ok) => { wakeChecks = ok; });
        wakeChecks = null;
        if (stop) return;
        if (c.nextAt > Date.now()) continue;
        if (!navigator.onLine) return halt();
        if (c.kind === responses.KIND || c.kind === monthly.KIND || c.posted) {
          handOver({ c, photos: photosOf(db, c.id) });
          continue;
        }
        const r = await postCheck(db, api, c, notify);
        if (r === "stop") return halt();
        if (r !== "next") handOver({ c: r, photos: photosOf(db, c.id) });
      }
    } catch (err) {
      halt(err);
    } finally {
      listDone = true;
      poke(wakePhotos);
    }
  };

  const photoLane = async () => {
    for (;;) {
      while (!stop && ready.length === 0 && !listDone) await new Promise((ok) => { wakePhotos = ok; });
      wakePhotos = null;
      if (stop || ready.length === 0) return;
      const job = ready.shift();
      poke(wakeChecks);
      let r;
      try {
        r = await sendPhotos(db, api, job, notify);
      } catch (err) {
        r = "stop";
        halt(err);
      }
      if (r === "stop") return halt();
    }
  };

  await Promise.all([checkLane(), photoLane()]);
  // Checks posted ahead whose photos did not start wait for the next run
  // (their photos go then; the check is not posted again).
  for (const job of ready) await idb.update(db, "checks", job.c.id, { state: WAITING });
  if (ready.length) notify();
  if (fault) throw fault;
}

// photosOf reads a check's photo records ahead of their turn; a failed
// read surfaces where it is awaited (or nowhere, if the run stopped first).
function photosOf(db, id) {
  const p = idb.request(db.transaction("photos").objectStore("photos").index("check").getAll(id))
    .then((ps) => ps.sort((a, b) => a.order - b.order));
  p.catch(() => {});
  return p;
}

// postCheck POSTs one check and records it as posted (and sending) in one
// write; it answers the stored check, "next" after a refusal or "stop".
async function postCheck(db, api, c, notify) {
  try {
    const res = await api.send("POST", "/api/v1/checks", { json: c.body, idem: c.id });
    if (!res.ok) return await refused(db, c, res, null, notify);
    const next = await idb.update(db, "checks", c.id, { posted: true, state: SENDING, attempts: 0 });
    notify();
    return next;
  } catch (err) {
    return await failed(db, c, err, notify);
  }
}

// sendPhotos uploads one posted check's photos one at a time; each
// success drops the photo's bytes and counts it in ONE transaction, the
// last one also marking the check sent.
async function sendPhotos(db, api, { c, photos }, notify) {
  let photo = null;
  try {
    photos = await photos;
    if (c.state !== SENDING) {
      c = await idb.update(db, "checks", c.id, { state: SENDING });
      notify();
    }
    if (c.kind === responses.KIND) return await responses.send(db, api, c, notify);
    if (c.kind === monthly.KIND) return await monthly.send(db, api, c, notify);
    let left = photos.length;
    if (left === 0) {
      await idb.update(db, "checks", c.id, { state: SENT, sentAt: Date.now(), message: "" });
      notify();
      return "ok";
    }
    for (photo of photos) {
      // A raw PUT of the original bytes (the photo's UUID in the path):
      // no multipart body to build around a 2 MB blob, and the server
      // streams a body of known length into storage while it arrives.
      const progress = (f) => notify({ check: c.id, photo: photo.id, fraction: f });
      const res = await api.send("PUT", "/api/v1/checks/" + c.id + "/photos/" + photo.id, { blob: photo.file, progress });
      if (!res.ok) return await refused(db, c, res, photo, notify);
      left--;
      const done = { photosSent: c.photoCount - left, attempts: 0 };
      if (left === 0) Object.assign(done, { state: SENT, sentAt: Date.now(), message: "" });
      c = await photoSent(db, c.id, photo.id, done);
      notify();
    }
    return "ok";
  } catch (err) {
    return await failed(db, c, err, notify);
  }
}

// photoSent drops a sent photo's bytes and merges fields into its check,
// in one transaction.
async function photoSent(db, checkId, photoId, fields) {
  const tx = db.transaction(["checks", "photos"], "readwrite");
  tx.objectStore("photos").delete(photoId);
  const os = tx.objectStore("checks");
  const cur = await idb.request(os.get(checkId));
  const next = Object.assign(cur, fields);
  os.put(next);
  await idb.done(tx);
  return next;
}

// failed handles a thrown error: signed out ends the run (the item waits,
// no backoff); anything else (the network) backs the item off.
async function failed(db, c, err, notify) {
  if (err instanceof AuthError) {
    await idb.update(db, "checks", c.id, { state: WAITING });
    notify();
    throw err;
  }
  await later(db, c, 0, notify);
  return "stop";
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
