/* The map of the filtered events.

   Asks the map data endpoint (the list's query string, plus bbox and zoom) for what to draw:
   "points" (at most a few thousand events: clustered markers, a popup each, linking to the
   event) or "cells" (a larger set counted per grid cell: a click zooms in). When the first
   answer holds every located event, moving the map asks nothing more. */
(function () {
  "use strict";
  var element = document.getElementById("events-map");
  var status = document.getElementById("map-status");
  if (!element || !window.L) return;

  var map = window.conflictdbMap.create(element, { minZoom: 2 });
  map.setView([20, 20], 2);
  var layer = null;
  var complete = false; // the last answer holds every located event of the filters
  var firstAnswer = true;
  var request = 0;
  var baseUrl = element.dataset.url;

  function number(n) { return Number(n).toLocaleString("en"); }

  // 950, 9.5k, 95k, 1.2M: short enough for a small circle.
  function compact(n) {
    if (n < 1000) return String(n);
    if (n < 10000) return (n / 1000).toFixed(1).replace(/\.0$/, "") + "k";
    if (n < 1000000) return Math.round(n / 1000) + "k";
    return (n / 1000000).toFixed(1).replace(/\.0$/, "") + "M";
  }

  // As Django's slugify: the type classes match the list's.
  function slug(text) {
    return (text || "").toLowerCase().replace(/[^\w\s-]/g, "").replace(/[-\s]+/g, "-").replace(/^[-_]+|[-_]+$/g, "");
  }

  function popupContent(point, detailUrl) {
    // [id, lat, lon, date, sub-event type, event type, place, fatalities, geo precision]
    var box = document.createElement("div");
    box.className = "map-popup";
    var title = document.createElement("strong");
    title.textContent = point[4] + (point[6] ? " in " + point[6] : "");
    var meta = document.createElement("span");
    var fatalities = point[7] === null ? "not reported" : number(point[7]);
    meta.textContent = (point[3] || "undated") + " · fatalities " + fatalities +
      (point[8] > 1 ? " · approximate location" : "");
    var link = document.createElement("a");
    link.href = detailUrl.replace("{id}", point[0]);
    link.textContent = "Open the event, its sources and evidence";
    box.appendChild(title);
    box.appendChild(document.createElement("br"));
    box.appendChild(meta);
    box.appendChild(document.createElement("br"));
    box.appendChild(link);
    return box;
  }

  function drawPoints(data) {
    var group = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50 });
    var markers = data.points.map(function (point) {
      var icon = L.divIcon({
        className: "event-marker type-" + slug(point[5]) + (point[8] > 1 ? " approximate" : ""),
        iconSize: [14, 14],
      });
      var marker = L.marker([point[1], point[2]], { icon: icon, title: point[4] + " · " + (point[3] || "undated"), alt: point[4] });
      marker.bindPopup(popupContent(point, data.detail_url));
      return marker;
    });
    group.addLayers(markers);
    return group;
  }

  function drawCells(data) {
    var group = L.layerGroup();
    var biggest = data.cells.reduce(function (m, c) { return Math.max(m, c[2]); }, 1);
    data.cells.forEach(function (cell) {
      // A cell is 32 pixels wide (8 per 256-pixel tile): the circle stays inside it.
      var size = 18 + Math.round(12 * Math.sqrt(cell[2] / biggest));
      var grade = cell[2] >= 1000 ? "large" : cell[2] >= 100 ? "medium" : "small";
      var icon = L.divIcon({
        className: "cell-marker cell-" + grade,
        html: "<span>" + compact(cell[2]) + "</span>",
        iconSize: [size, size],
      });
      var marker = L.marker([cell[0], cell[1]], {
        icon: icon,
        title: number(cell[2]) + " events, " + number(cell[3]) + " fatalities: zoom in",
        alt: number(cell[2]) + " events",
      });
      marker.on("click", function () { map.setView([cell[0], cell[1]], Math.min(map.getZoom() + 2, 18)); });
      group.addLayer(marker);
    });
    return group;
  }

  function bounds(data) {
    var latlngs = data.mode === "points"
      ? data.points.map(function (p) { return [p[1], p[2]]; })
      : data.cells.map(function (c) { return [c[0], c[1]]; });
    return latlngs.length ? L.latLngBounds(latlngs) : null;
  }

  function describe(data) {
    var total = data.total.display + (data.total.value === 1 && !data.total.estimated ? " event matches" : " events match");
    if (data.mode === "points") {
      return total + "; " + number(data.points.length) + " with coordinates " + (complete ? "on the map." : "in view.");
    }
    return total + "; too many to draw one by one, so they are counted per grid cell (" + number(data.cells.length) +
      " cells in view). Zoom in or narrow the filters to see single events.";
  }

  function load() {
    var mine = ++request;
    var url = baseUrl + (baseUrl.indexOf("?") >= 0 ? "&" : "?");
    if (!firstAnswer) {
      url += "bbox=" + map.getBounds().toBBoxString() + "&";
    }
    url += "zoom=" + map.getZoom();
    element.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) throw new Error(data.error || response.statusText);
          return data;
        });
      })
      .then(function (data) {
        if (mine !== request) return; // a later request is on its way
        if (layer) map.removeLayer(layer);
        complete = firstAnswer && data.mode === "points";
        layer = data.mode === "points" ? drawPoints(data) : drawCells(data);
        layer.addTo(map);
        element.dataset.mode = data.mode;
        element.dataset.shown = data.mode === "points" ? data.points.length : data.cells.length;
        status.textContent = describe(data);
        if (firstAnswer) {
          firstAnswer = false;
          var box = bounds(data);
          // Never closer than a region: one place alone would fill the map with a single country's colour.
          if (box) map.fitBounds(box.pad(0.15), { maxZoom: 7 });
        }
        element.removeAttribute("aria-busy");
      })
      .catch(function (error) {
        status.textContent = "The map could not load the events: " + error.message;
        element.removeAttribute("aria-busy");
      });
  }

  var pending = null;
  map.on("moveend", function () {
    if (complete || firstAnswer) return;
    window.clearTimeout(pending);
    pending = window.setTimeout(load, 250);
  });
  load();
})();
