/* The small map of one event: its point, and a shaded circle when the location is approximate. */
(function () {
  "use strict";
  var element = document.getElementById("event-map");
  if (!element || !window.L) return;
  var lat = parseFloat(element.dataset.lat), lon = parseFloat(element.dataset.lon);
  var precision = parseInt(element.dataset.geoPrecision, 10) || 1;
  // ACLED geo precision: 1 the town, 2 near a town, 3 a larger region.
  var radius = { 1: 0, 2: 15000, 3: 60000 }[precision] || 0;
  // Zoomed out enough to show the country around the place.
  var zoom = { 1: 7, 2: 7, 3: 6 }[precision] || 7;
  var map = window.conflictdbMap.create(element, { scrollWheelZoom: false });
  map.setView([lat, lon], zoom);
  if (radius) {
    L.circle([lat, lon], { radius: radius, className: "precision-circle", color: "#b45309", weight: 1, fillOpacity: 0.15 }).addTo(map);
  }
  L.circleMarker([lat, lon], { radius: 7, color: "#fff", weight: 2, fillColor: "#b91c1c", fillOpacity: 1 }).addTo(map);
  element.setAttribute("data-ready", "true");
})();
