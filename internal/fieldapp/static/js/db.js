// IndexedDB in promises: the app's one database. "kv" holds the tokens and
// what sync brought (projects, templates, own checks); "checks" and
// "photos" are the outbox (see outbox.js).
const NAME = "fieldproof";

export function open() {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(NAME, 1);
    r.onupgradeneeded = () => {
      const db = r.result;
      db.createObjectStore("kv");
      db.createObjectStore("checks", { keyPath: "id" });
      db.createObjectStore("photos", { keyPath: "id" }).createIndex("check", "checkId");
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

// done resolves when a transaction has committed (the data is on disk).
export function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
}

export function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export async function get(db, store, key) {
  return request(db.transaction(store).objectStore(store).get(key));
}

export async function all(db, store) {
  return request(db.transaction(store).objectStore(store).getAll());
}

export async function put(db, store, value, key) {
  const tx = db.transaction(store, "readwrite");
  if (key === undefined) tx.objectStore(store).put(value);
  else tx.objectStore(store).put(value, key);
  await done(tx);
}

export async function del(db, store, key) {
  const tx = db.transaction(store, "readwrite");
  tx.objectStore(store).delete(key);
  await done(tx);
}

// update merges fields into a stored record in one transaction and returns it.
export async function update(db, store, key, fields) {
  const tx = db.transaction(store, "readwrite");
  const os = tx.objectStore(store);
  const cur = await request(os.get(key));
  if (!cur) return null;
  const next = Object.assign(cur, fields);
  os.put(next);
  await done(tx);
  return next;
}
