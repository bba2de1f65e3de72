// The public JSON API with the tokens kept in IndexedDB: the access token
// is refreshed shortly before it expires and once more on a 401. A refused
// refresh means the session is over (AuthError); a network error is just
// that, and the caller retries later.
import * as idb from "./db.js";
import { upload } from "./upload.js";

export class AuthError extends Error {}

// Problem is a refusal the server explained (application/problem+json).
export class Problem extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || "HTTP " + status);
    this.status = status;
    this.body = body;
  }
}

export async function problem(res) {
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  return new Problem(res.status, body);
}

export class Api {
  constructor(db) {
    this.db = db;
    this.refreshing = null;
  }

  tokens() { return idb.get(this.db, "kv", "tokens"); }

  async signedIn() { return !!(await this.tokens()); }

  async keep(t) {
    await idb.put(this.db, "kv", {
      access: t.access_token, refresh: t.refresh_token, expiresAt: Date.now() + t.expires_in * 1000,
      ttl: t.expires_in * 1000,
    }, "tokens");
  }

  async signIn(username, password) {
    const res = await fetch("/api/v1/auth/login", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    if (!res.ok) throw await problem(res);
    await this.keep(await res.json());
  }

  async signOut() {
    const t = await this.tokens();
    await idb.del(this.db, "kv", "tokens");
    if (t) fetch("/api/v1/auth/logout", {
      method: "POST", headers: { "Content-Type": "application/json", Authorization: "Bearer " + t.access },
      body: JSON.stringify({ refresh_token: t.refresh }),
    }).catch(() => {});
  }

  // refresh rotates the pair once, however many requests found it stale;
  // across tabs a Web Lock makes the second tab see the first one's pair
  // instead of presenting a rotated token (which would end the session).
  refresh(stale) {
    if (!this.refreshing) {
      const run = async () => {
        const cur = await this.tokens();
        if (!cur) throw new AuthError("signed out");
        if (cur.access !== stale) return;
        const res = await fetch("/api/v1/auth/refresh", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ refresh_token: cur.refresh }),
        });
        if (res.status === 400 || res.status === 401) {
          await idb.del(this.db, "kv", "tokens");
          throw new AuthError("refresh refused");
        }
        if (!res.ok) throw await problem(res);
        await this.keep(await res.json());
      };
      const locked = navigator.locks ? navigator.locks.request("fieldproof-refresh", run) : run();
      this.refreshing = locked.finally(() => { this.refreshing = null; });
    }
    return this.refreshing;
  }

  // send makes one API request: json (an object), form (FormData) or blob
  // (a photo's own bytes, sent as they are) as the body, idem as the
  // Idempotency-Key. It answers the Response; it throws
  // AuthError when signed out and TypeError when the network failed.
  // progress (a function of the fraction sent, 0–1) sends by upload.js.
  async send(method, path, { json, form, blob, idem, progress } = {}) {
    let t = await this.tokens();
    if (!t) throw new AuthError("signed out");
    // Refresh a little before expiry (a quarter of the lifetime, at most
    // 30 s), so a request does not die of a token that ran out on the way.
    if (t.expiresAt - Math.min(30000, (t.ttl || 0) / 4) < Date.now()) {
      await this.refresh(t.access);
      t = await this.tokens();
    }
    let res = await this.raw(method, path, t.access, json, form || blob, idem, progress);
    if (res.status === 401) {
      await this.refresh(t.access);
      t = await this.tokens();
      res = await this.raw(method, path, t.access, json, form || blob, idem, progress);
    }
    return res;
  }

  raw(method, path, access, json, form, idem, progress) {
    const headers = { Authorization: "Bearer " + access, Accept: "application/json" };
    let body;
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    } else if (form instanceof Blob) {
      // The server sniffs the bytes; the type only has to say "image".
      headers["Content-Type"] = form.type.startsWith("image/") ? form.type : "image/jpeg";
      body = form;
    } else if (form) {
      body = form;
    }
    if (idem) headers["Idempotency-Key"] = idem;
    if (progress) return upload(method, path, headers, body, progress);
    return fetch(path, { method, headers, body, cache: "no-store" });
  }

  async getJSON(path) {
    const res = await this.send("GET", path);
    if (!res.ok) throw await problem(res);
    return res.json();
  }
}
