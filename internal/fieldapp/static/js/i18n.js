// The app's text: /app/messages.json, the "app." keys of the server's one
// catalog in the reader's language (cached by the service worker).
let msgs = {};

export async function load() {
  const res = await fetch("/app/messages.json");
  msgs = await res.json();
  document.documentElement.lang = msgs.lang || "zh-CN";
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
}

// t returns the message; %s are replaced by args in order.
export function t(key, ...args) {
  let m = msgs[key];
  if (m === undefined) return key;
  for (const a of args) m = m.replace("%s", String(a));
  return m;
}

// named is a value's name from the shared catalog (kind "item", "check_type",
// "flag"…), else the fallback the server gave (a template's own label).
export function named(kind, key, fallback) {
  const m = msgs[kind + "." + key];
  return m === undefined ? (fallback ?? key) : m;
}

// when prints a time in the reader's language.
export function when(ms) {
  return new Date(ms).toLocaleString(msgs.lang || "zh-CN");
}
