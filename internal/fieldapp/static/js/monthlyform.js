// Monthly reports (月报), the page half: the list in my work and the form
// a unit's reporter fills on site — the figures against each indicator
// with the server's rules shown before sending, the words, and a photo of
// each fixed point, with the way there from the phone's position. The
// page helpers (h, main) come from app.js; the data and the sending are
// monthly.js's.
import * as monthly from "./monthly.js";
import { SENT, SENDING } from "./outbox.js";
import { t } from "./i18n.js";

const EDITABLE = new Set(["missing", "draft", "returned"]);

// standing is where project's report stands this period, as the phone
// knows it: the outbox first (queued, sending, sent), then the server's.
function standing(m, queued, pid) {
  const q = monthly.queuedFor(queued, pid, m.period);
  const r = m.reports[pid];
  if (q && q.state !== SENT) return { state: q.state === SENDING ? "sending" : "queued", r, q };
  if (q && (!r || (EDITABLE.has(r.state) && m.synced < q.sentAt))) return { state: "submitted", r, q };
  return { state: r ? r.state : "missing", r, q };
}

// sections is my work's "月报" list (contractors only).
export function sections(h, m, w, queued) {
  if (!w.me || w.me.role !== "contractor") return [];
  const ids = Object.keys(m.projects).filter((id) => w.projects[id])
    .sort((a, b) => w.projects[a].code.localeCompare(w.projects[b].code));
  return [h("h2", { text: t("monthly.heading", m.period) }), ids.length === 0 ? h("p", { text: t("monthly.none") }) :
    h("ul", { class: "list", id: "monthly" }, ids.map((pid) => {
      const s = standing(m, queued, pid);
      const failed = monthly.failedFor(queued, pid, m.period);
      const open = EDITABLE.has(s.state);
      return h("li", { "data-project": pid, "data-state": s.state },
        h("strong", { text: w.projects[pid].name }), " ",
        h("span", { class: "flag", "data-report-state": s.state, text: t("monthly.state." + s.state) }),
        s.state === "returned" && s.r && s.r.returned ? h("p", { class: "reason", text: t("work.reason") + s.r.returned.reason }) : null,
        s.r && s.r.flags && s.r.flags.length ? h("div", {}, s.r.flags.map((f) => h("span", { class: "flag", "data-flag": f, text: t("monthly.flag." + f) }))) : null,
        open && failed && (!s.q || failed.saved > s.q.saved) ? h("p", { class: "error", text: failed.message }) : null,
        open ? h("a", { class: "button", href: "#/monthly?project=" + pid,
          text: s.state === "returned" ? t("monthly.correct") : t("monthly.fill") }) : null);
    }))];
}

let watch = null;

// stop ends the position watch when the page leaves the form.
export function stop() {
  if (watch !== null) { navigator.geolocation.clearWatch(watch); watch = null; }
}

// render draws the form for ?project=; ctx: h, main, db, w, done.
export async function render(ctx, params) {
  const { h, main, db, w, done } = ctx;
  const m = await monthly.cached(db);
  const pid = params.get("project");
  const proj = w.projects[pid], data = m.projects[pid];
  if (!proj || !data) { location.hash = "#/work"; return; }
  const r = m.reports[pid] && EDITABLE.has(m.reports[pid].state) ? m.reports[pid] : null;
  const had = (id) => (r ? (r.values || []).find((v) => v.indicator_id === id) : null);
  const shot = (id) => (r ? (r.photos || []).find((p) => p.point_id === id) : null);

  const inds = data.indicators.map((ind, i) => indicatorField(h, ind, i, had(ind.id)));
  const guides = [];
  const points = data.points.map((pt, i) => {
    const guide = h("p", { class: "guide", id: "mr-guide-" + i, text: t("new.locating") });
    guides.push({ pt, el: guide });
    const prev = shot(pt.id);
    const face = monthly.compass(pt.bearing);
    return h("fieldset", { class: "point", "data-point": pt.id },
      h("legend", { text: t("monthly.point", i + 1, pt.name) }), guide,
      h("p", { class: "hint", id: "mr-face-" + i, text: t("monthly.face", t("monthly.dir." + face), Math.round(pt.bearing)) }),
      pt.note ? h("p", { class: "hint", text: pt.note }) : null,
      prev ? h("p", { class: "hint", text: t("monthly.kept") }) : null,
      h("label", { for: "mr-photo-" + i, text: t("monthly.photo") + (prev ? "" : " *") }),
      h("input", { id: "mr-photo-" + i, type: "file", accept: "image/*", capture: "environment" }),
      h("label", { for: "mr-caption-" + i, text: t("monthly.caption") }),
      h("input", { id: "mr-caption-" + i, type: "text", maxlength: "500", value: prev ? prev.caption : "" }));
  });
  const guideAll = (fix) => {
    for (const { pt, el } of guides) {
      const d = monthly.distance(fix, pt), b = monthly.bearing(fix, pt);
      el.dataset.distance = String(Math.round(d));
      el.dataset.direction = monthly.compass(b);
      el.textContent = d < Math.max(10, fix.accuracy || 0) ? t("monthly.here", Math.round(d)) :
        t("monthly.walk", Math.round(d), t("monthly.dir." + monthly.compass(b)), Math.round(b));
    }
  };
  stop();
  if (navigator.geolocation && guides.length) {
    watch = navigator.geolocation.watchPosition((p) => guideAll({ lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy }),
      () => { for (const { el } of guides) if (!el.dataset.distance) el.textContent = t("new.no_location"); },
      { enableHighAccuracy: true, maximumAge: 5000 });
  }

  const err = h("div", { id: "mr-error", role: "alert" });
  const form = h("form", { id: "monthly-form", onsubmit: async (e) => {
    e.preventDefault();
    const problems = [];
    const values = [];
    data.indicators.forEach((ind, i) => {
      const el = document.getElementById("mr-value-" + i);
      if (el.value.trim() === "") { problems.push(t("monthly.need_value", ind.name)); return; }
      const v = Number(el.value);
      const j = monthly.judge(ind, v);
      if (j.refuse) { problems.push(ind.name + "：" + t("monthly.refuse." + j.refuse)); return; }
      values.push({ indicator_id: ind.id, value: v });
    });
    const files = [], photos = [];
    data.points.forEach((pt, i) => {
      const f = document.getElementById("mr-photo-" + i).files[0];
      const caption = document.getElementById("mr-caption-" + i).value.trim();
      const prev = shot(pt.id);
      if (f) {
        const id = crypto.randomUUID();
        files.push({ id, file: f });
        photos.push({ point_id: pt.id, photo_id: id, caption });
      } else if (prev) {
        photos.push({ point_id: pt.id, photo_id: prev.photo_id, caption });
      } else problems.push(t("monthly.need_photo", pt.name));
    });
    if (problems.length) { err.className = "error"; err.textContent = problems.join("；"); return; }
    const body = { values, narrative: document.getElementById("mr-narrative").value,
      problems: document.getElementById("mr-problems").value, help_requested: document.getElementById("mr-help").value, photos };
    await monthly.save(db, { reportId: r ? r.id : crypto.randomUUID(), create: !r, projectId: pid, period: m.period, body }, files,
      { project: proj.name, title: t("monthly.queued", m.period) });
    stop();
    done();
  } },
  r && r.state === "returned" && r.returned ? h("p", { class: "notice", id: "mr-returned", text: t("work.reason") + r.returned.reason }) : null,
  h("p", { class: "hint", id: "mr-rules", text: t("monthly.rules") }),
  h("h2", { text: t("monthly.figures") }), ...inds,
  h("label", { for: "mr-narrative", text: t("monthly.narrative") }), h("textarea", { id: "mr-narrative" }),
  h("label", { for: "mr-problems", text: t("monthly.problems") }), h("textarea", { id: "mr-problems" }),
  h("label", { for: "mr-help", text: t("monthly.help") }), h("textarea", { id: "mr-help" }),
  data.points.length ? h("h2", { text: t("monthly.points") }) : null, ...points,
  err, h("button", { type: "submit", id: "mr-save", text: t("monthly.save") }));
  main().replaceChildren(h("h1", { text: t("monthly.form", m.period) }), h("p", { class: "notice", text: proj.name }), form);
  if (r) {
    document.getElementById("mr-narrative").value = r.narrative || "";
    document.getElementById("mr-problems").value = r.problems || "";
    document.getElementById("mr-help").value = r.help_requested || "";
  }
}

// indicatorField is one indicator's cumulative figure, with its unit,
// target and last recorded figure, and the server's judgement of what is
// typed (refused, or flagged for the office) shown as it is typed.
function indicatorField(h, ind, i, prev) {
  const id = "mr-value-" + i;
  const unit = ind.unit ? "（" + ind.unit + "）" : "";
  const last = ind.value_date ? t("monthly.last", ind.value, ind.unit || "", ind.value_date) : t("monthly.no_last");
  const warn = h("p", { class: "warn", id: id + "-warn", hidden: true });
  const input = h("input", { id, type: "number", inputmode: "decimal", step: "any", min: "0", "data-indicator": ind.id,
    value: prev ? String(prev.value) : "", oninput: () => show() });
  const show = () => {
    if (input.value.trim() === "") { warn.hidden = true; delete warn.dataset.judge; return; }
    const j = monthly.judge(ind, Number(input.value));
    const says = j.refuse ? [t("monthly.refuse." + j.refuse)] : j.flags.map((f) => t("monthly.will_flag", t("monthly.flag." + f)));
    warn.hidden = says.length === 0;
    warn.className = j.refuse ? "error" : "warn";
    warn.dataset.judge = j.refuse ? "refuse:" + j.refuse : j.flags.join(",");
    warn.textContent = says.join("；");
  };
  if (prev) queueMicrotask(show);
  return h("div", { class: "indicator" },
    h("label", { for: id, text: ind.name + unit + " *" }), input,
    h("p", { class: "hint", text: t("monthly.target", ind.target, ind.unit || "") + " · " + last }), warn);
}
