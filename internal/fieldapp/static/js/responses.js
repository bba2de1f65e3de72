// Contractors' answers to rectification orders, through the outbox: a
// response is an outbox item of kind "response" in the same "checks" store
// (its photos in "photos" under its id), so it is saved, listed, counted,
// retried and recovered exactly as a check is; only the sending differs.
//  - save() writes the item and every photo's original bytes in ONE
//    transaction, before the page says "saved".
//  - send: acknowledge first when the order was still "issued" (the state
//    machine takes a response only from "acknowledged"; a 409 means it is
//    already acknowledged, which is what we wanted), then POST the response
//    with the item's UUID as Idempotency-Key (a replay returns the same
//    response), then its photos one at a time.
import * as idb from "./db.js";
import { WAITING, SENDING, SENT, FAILED, refused } from "./outbox.js";

export const KIND = "response";

// save queues a response to orderId (body: text, photo_ids, location,
// captured_at) with its photos [{id, file}]; ack says whether the order
// must be acknowledged first; meta is what the queue shows.
export async function save(db, orderId, body, photos, ack, meta) {
  const id = crypto.randomUUID();
  const tx = db.transaction(["checks", "photos"], "readwrite");
  tx.objectStore("checks").put({
    id, kind: KIND, orderId, ack, acked: !ack, responseId: "", body, meta, state: WAITING, posted: false, message: "",
    saved: Date.now(), attempts: 0, nextAt: 0, photoCount: photos.length, photosSent: 0,
  });
  photos.forEach((p, i) => {
    tx.objectStore("photos").put({ id: p.id, checkId: id, order: i, file: p.file, name: p.file.name || "photo.jpg", state: WAITING });
  });
  await idb.done(tx);
  return id;
}

// answered lists the order ids with a response waiting or sent.
export function answered(items) {
  return new Set(items.filter((c) => c.kind === KIND && c.state !== FAILED).map((c) => c.orderId));
}

// send delivers one response item (outbox.js has marked it sending); the
// return value is drain's ("ok", "next" after a refusal, "stop" to wait).
// Network errors throw to outbox.js, which backs off as for a check.
export async function send(db, api, c, notify) {
  const base = "/api/v1/orders/" + c.orderId;
  if (!c.acked) {
    const res = await api.send("POST", base + "/acknowledge", { json: {}, idem: "ack-" + c.id });
    if (!res.ok && res.status !== 409) return refused(db, c, res, null, notify);
    c = await idb.update(db, "checks", c.id, { acked: true, attempts: 0 });
  }
  if (!c.posted) {
    const res = await api.send("POST", base + "/responses", { json: c.body, idem: c.id });
    if (!res.ok) return refused(db, c, res, null, notify);
    const d = await res.json();
    const mine = (d.responses || []).find((r) => sameIDs(r.photo_ids, c.body.photo_ids) && r.text === c.body.text);
    if (!mine) {
      await idb.update(db, "checks", c.id, { state: FAILED, message: "response not found in the order" });
      notify();
      return "next";
    }
    c = await idb.update(db, "checks", c.id, { posted: true, responseId: mine.id, attempts: 0 });
    notify();
  }
  const photos = (await idb.request(db.transaction("photos").objectStore("photos").index("check").getAll(c.id)))
    .sort((a, b) => a.order - b.order);
  for (const photo of photos) {
    await idb.update(db, "photos", photo.id, { state: SENDING });
    const form = new FormData();
    form.append("photo_id", photo.id);
    form.append("file", photo.file, photo.name);
    const res = await api.send("POST", base + "/responses/" + c.responseId + "/photos", { form });
    if (!res.ok) return refused(db, c, res, photo, notify);
    await idb.del(db, "photos", photo.id);
    c = await idb.update(db, "checks", c.id, { photosSent: c.photoCount - (photos.length - photos.indexOf(photo) - 1), attempts: 0 });
    notify();
  }
  await idb.update(db, "checks", c.id, { state: SENT, sentAt: Date.now(), message: "" });
  notify();
  return "ok";
}

function sameIDs(a, b) {
  const x = [...(a || [])].sort(), y = [...(b || [])].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
