/* A Leaflet map with the configured tiles, or, without tiles, country outlines shipped with the site.

   window.conflictdbMap.create(element) reads data-tiles, data-attribution and data-outlines
   from the element; the outlines are Natural Earth's (world-atlas, TopoJSON). */
(function () {
  "use strict";

  var ANTARCTICA = "010"; // ISO 3166-1 numeric, world-atlas's feature id

  // Natural Earth cuts Russia, Fiji and Antarctica at the antimeridian; drawn flat, a ring that jumps
  // from 180 to -180 degrees would cross the whole map. Keep each ring's longitudes continuous instead.
  function unwrapRing(ring) {
    for (var i = 1; i < ring.length; i++) {
      while (ring[i][0] - ring[i - 1][0] > 180) ring[i][0] -= 360;
      while (ring[i][0] - ring[i - 1][0] < -180) ring[i][0] += 360;
    }
  }

  function unwrap(feature) {
    var geometry = feature.geometry;
    if (!geometry) return;
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    polygons.forEach(function (polygon) { polygon.forEach(unwrapRing); });
  }

  function addOutlines(map, url) {
    map.createPane("outlines");
    map.getPane("outlines").style.zIndex = 250;
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (topology) {
        var countries = window.topojson.feature(topology, topology.objects.countries);
        // Antarctica has no conflict events, and its ring along the pole cannot be drawn flat.
        countries.features = countries.features.filter(function (f) { return f.id !== ANTARCTICA; });
        countries.features.forEach(unwrap);
        L.geoJSON(countries, {
          pane: "outlines",
          interactive: false,
          style: { color: "#8a96a3", weight: 0.8, fillColor: "#f6f3ec", fillOpacity: 1 },
        }).addTo(map);
        map.getContainer().setAttribute("data-outlines-loaded", "true");
      })
      .catch(function () { map.getContainer().setAttribute("data-outlines-loaded", "failed"); });
  }

  function create(element, options) {
    var map = L.map(element, Object.assign({ worldCopyJump: true, minZoom: 1, maxZoom: 18 }, options || {}));
    var tiles = element.dataset.tiles;
    if (tiles) {
      L.tileLayer(tiles, { attribution: element.dataset.attribution || "", maxZoom: 18 }).addTo(map);
    } else {
      element.classList.add("no-tiles");
      map.attributionControl.addAttribution("Country outlines: Natural Earth");
      addOutlines(map, element.dataset.outlines);
    }
    return map;
  }

  window.conflictdbMap = { create: create };
})();
