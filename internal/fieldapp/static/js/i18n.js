// The app's text: /app/messages.json, the "app." keys of the server's one
// catalog in the reader's language (cached by the service worker).
let msgs = {};

// The reader's choice of language (the in-app switch), kept in this
// browser; without one the server negotiates from Accept-Language.
const LANG_KEY = "fieldproof-lang";
let chosen = "";

// shownLang is the language the app is showing.
export function shownLang() { return msgs.lang || "zh-CN"; }

export function chooseLang(lang) {
  chosen = lang;
  try { localStorage.setItem(LANG_KEY, lang); } catch { /* storage refused: this page only */ }
}

export async function load() {
  let lang = chosen;
  try { lang = localStorage.getItem(LANG_KEY) || chosen; } catch { /* as chosen */ }
  const res = await fetch("/app/messages.json" + (lang ? "?lang=" + encodeURIComponent(lang) : ""));
  msgs = await res.json();
  document.documentElement.lang = msgs.lang || "zh-CN";
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  document.title = t("brand");
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
