// Draws a map from data attributes written by the server:
//   data-points: [{"lat":..,"lng":..,"label":"..","kind":"check|photo|site"}]
//   data-route:  [[lat,lng], ...] (a road's line)
//   data-tiles:  a tile URL template; empty draws on a plain background.
// Leaflet (vendored, static/vendor) is loaded by the page as a classic script.
const colours = { check: '#0b6e4f', photo: '#b42318', site: '#1d4ed8', route: '#1d4ed8' };

export function draw(el) {
  const L = window.L;
  if (!L) return;
  const points = JSON.parse(el.dataset.points || '[]');
  const route = JSON.parse(el.dataset.route || '[]');
  const map = L.map(el, { attributionControl: !!el.dataset.tiles });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || '' }).addTo(map);
  }
  // Without tiles a scale is the only sense of distance on the page.
  L.control.scale({ imperial: false }).addTo(map);
  const layers = [];
  // Circles need the map's view to measure their bounds, so they are
  // added once the view is set and do not take part in fitting it.
  const circles = [];
  if (route.length > 1) {
    layers.push(L.polyline(route, { color: colours.route, weight: 4 }).addTo(map));
  }
  for (const p of points) {
    const m = L.circleMarker([p.lat, p.lng], { radius: 7, color: colours[p.kind] || '#333', weight: 2, fillOpacity: 0.6 }).addTo(map);
    if (p.label) m.bindTooltip(p.label, { permanent: points.length <= 3, direction: 'top' });
    if (p.radius) circles.push(L.circle([p.lat, p.lng], { radius: p.radius, color: colours[p.kind] || '#333', weight: 1, fill: false }));
    layers.push(m);
  }
  if (layers.length === 0) { map.setView([30, 110], 4); return; }
  const group = L.featureGroup(layers);
  map.fitBounds(group.getBounds().pad(0.3), { maxZoom: 17 });
  circles.forEach((c) => c.addTo(map));
  el.dataset.ready = 'true';
}
