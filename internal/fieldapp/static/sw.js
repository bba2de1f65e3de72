// The field app's service worker: it keeps the versioned app shell in a
// cache so the app starts with no signal. The server writes the version
// (a hash of the embedded files) and the shell's file list into this file,
// so a new binary is a new worker: it caches the new shell and drops the
// old caches. The outbox lives in IndexedDB, which this worker never
// touches, so an update cannot lose a queued check or photo.
const VERSION = "__VERSION__";
const SHELL = ["__SHELL__"];
const CACHE = "fieldapp-" + VERSION;

self.addEventListener("install", (event) => {
  // The API goes straight to the network without waking this worker (the
  // Static Routing API, where the browser has it): the fetch handler below
  // lets every /api/ request through anyway, and dispatching a 2 MB photo
  // upload to it first only costs time. Browsers without it use the handler.
  if (event.addRoutes) {
    event.waitUntil(event.addRoutes([{ condition: { urlPattern: "/api/*" }, source: "network" }]).catch(() => {}));
  }
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map((u) => new Request(u, { cache: "reload" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("fieldapp-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  // The API is never cached here: the app keeps what it needs in IndexedDB.
  if (req.method !== "GET" || url.origin !== self.location.origin || !url.pathname.startsWith("/app/")) return;
  if (req.mode === "navigate") {
    event.respondWith(fromCache("/app/", req));
    return;
  }
  if (url.pathname === "/app/messages.json") {
    event.respondWith(networkFirst(req));
    return;
  }
  event.respondWith(fromCache(url.pathname, req));
});

// fromCache answers from the shell, else the network.
async function fromCache(key, req) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(key);
  return hit || fetch(req);
}

// networkFirst: the messages follow the reader's language when online.
async function networkFirst(req) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(req);
    if (res.ok) await cache.put("/app/messages.json", res.clone());
    return res;
  } catch (err) {
    const hit = await cache.match("/app/messages.json");
    if (hit) return hit;
    throw err;
  }
}
