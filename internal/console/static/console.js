// Progressive enhancement only: every page works without this file.
// - forms with data-confirm ask before they are sent;
// - elements with data-map get a Leaflet map (static/map.js), loaded only
//   on the pages that have one.
for (const form of document.querySelectorAll('form[data-confirm]')) {
  form.addEventListener('submit', (ev) => {
    if (!window.confirm(form.dataset.confirm)) ev.preventDefault();
  });
}
const maps = document.querySelectorAll('[data-map]');
if (maps.length > 0) {
  // The same ?v= as this module's URL, so a new release is fetched anew.
  import('./map.js' + new URL(import.meta.url).search).then((m) => maps.forEach((el) => m.draw(el)));
}
