// Where the phone stands along a road: a faithful port of the server's
// internal/geo (PointToLine, Distance, FormatChainage) and of
// checks.Assess's placement rule, so the chainage the form shows is the
// one the server will record for the check. Keep the two in step.
const EARTH_RADIUS = 6371008.8;
const MAX_PLACEMENT_OFFSET_M = 5000;

const rad = (d) => (d * Math.PI) / 180;

// distance is the haversine great-circle distance in metres.
function distance(a, b) {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS * Math.asin(Math.sqrt(Math.min(1, h)));
}

// Go's math.Mod keeps the dividend's sign, as JavaScript's % does.
const mod = (x, y) => x % y;

// pointToLine measures p against a polyline in its direction of travel:
// { distance, chainage, side } as geo.PointToLine does, in a local
// equirectangular projection centred on p, chainage summed per segment.
export function pointToLine(p, line) {
  if (line.length === 0) return { distance: Infinity, chainage: 0, side: "on" };
  if (line.length === 1) return { distance: distance(p, line[0]), chainage: 0, side: "on" };
  const cosLat = Math.cos(rad(p.lat));
  const project = (q) => {
    const dLon = mod(q.lon - p.lon + 540, 360) - 180;
    return [rad(dLon) * cosLat * EARTH_RADIUS, rad(q.lat - p.lat) * EARTH_RADIUS];
  };
  let best = Infinity, chainage = 0, side = "on", startOfSeg = 0;
  let [ax, ay] = project(line[0]);
  for (let i = 1; i < line.length; i++) {
    const [bx, by] = project(line[i]);
    const segLen = distance(line[i - 1], line[i]);
    const dx = bx - ax, dy = by - ay;
    let t = 0;
    const l2 = dx * dx + dy * dy;
    if (l2 > 0) t = Math.max(0, Math.min(1, -(ax * dx + ay * dy) / l2));
    const fx = ax + t * dx, fy = ay + t * dy;
    const d = Math.hypot(fx, fy);
    if (d < best) {
      best = d;
      chainage = startOfSeg + t * segLen;
      const cross = dx * (0 - ay) - dy * (0 - ax);
      side = cross > 0 ? "left" : cross < 0 ? "right" : "on";
    }
    startOfSeg += segLen;
    ax = bx; ay = by;
  }
  return { distance: best, chainage, side };
}

// Go's math.Round rounds half away from zero; Math.round does not for
// negatives.
const roundHalfAway = (x) => Math.sign(x) * Math.round(Math.abs(x));

// format writes metres as a station, K12+350 (geo.FormatChainage).
export function format(m) {
  if (!Number.isFinite(m)) return "";
  let r = roundHalfAway(m) + 0;
  let sign = "";
  if (r < 0) { sign = "-"; r = -r; }
  const km = Math.floor(r / 1000);
  return sign + "K" + km + "+" + String(r - km * 1000).padStart(3, "0");
}

// place is the placement the server records for a fix on a project:
// null unless the project has a route and the fix is within 5 km of it.
export function place(fix, project) {
  const coords = project && project.route && project.route.coordinates;
  if (!coords || coords.length === 0) return null;
  const line = coords.map(([lon, lat]) => ({ lat, lon }));
  const r = pointToLine({ lat: fix.lat, lon: fix.lon }, line);
  if (!(r.distance <= MAX_PLACEMENT_OFFSET_M)) return null;
  return { chainageM: r.chainage, chainage: format(r.chainage), offsetM: r.distance, side: r.side };
}
