/* The summary charts (Chart.js), drawn from the numbers the page carries in #chart-data. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || !window.Chart) return;
  var data = JSON.parse(source.textContent);
  var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#334155";
  Chart.defaults.animation = still ? false : { duration: 300 };

  var EVENTS = "#1e3a5f", FATALITIES = "#b91c1c";
  var TOP_COUNTRIES = 15;

  function timeline() {
    var canvas = document.getElementById("timeline-chart");
    if (!canvas) return;
    new Chart(canvas, {
      data: {
        labels: data.periods,
        datasets: [
          { type: "bar", label: "Events", data: data.events, backgroundColor: EVENTS, yAxisID: "events", order: 2 },
          { type: "line", label: "Fatalities", data: data.fatalities, borderColor: FATALITIES, backgroundColor: FATALITIES,
            yAxisID: "fatalities", pointRadius: data.periods.length > 60 ? 0 : 2, borderWidth: 2, tension: 0, order: 1 },
        ],
      },
      options: {
        responsive: true, maintainAspectRatio: false, interaction: { mode: "index", intersect: false },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 12 }, grid: { display: false } },
          events: { position: "left", beginAtZero: true, title: { display: true, text: "Events" }, ticks: { precision: 0 } },
          fatalities: { position: "right", beginAtZero: true, title: { display: true, text: "Fatalities" },
            grid: { drawOnChartArea: false }, ticks: { precision: 0 } },
        },
        plugins: { legend: { position: "top" } },
      },
    });
    canvas.setAttribute("data-ready", "true");
  }

  // The list's colours for ACLED's event types.
  var TYPE_COLOURS = {
    "Battles": "#b91c1c", "Explosions/Remote violence": "#c2410c", "Violence against civilians": "#7e22ce",
    "Protests": "#0369a1", "Riots": "#a16207", "Strategic developments": "#15803d",
  };

  // Long category names on two lines ("Explosions/" "Remote violence"), so that a phone shows them whole.
  function wrapped(label) {
    if (label.length <= 18) return label;
    var cut = label.indexOf("/") > 0 ? label.indexOf("/") + 1 : label.lastIndexOf(" ", 18);
    return cut > 0 ? [label.slice(0, cut).trim(), label.slice(cut).trim()] : label;
  }

  function bars(id, rows, color) {
    var canvas = document.getElementById(id);
    if (!canvas || !rows.length) return;
    // One bar a line: the box grows with the number of bars instead of stretching them.
    canvas.parentNode.style.height = (48 + 36 * rows.length) + "px";
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (r) { return wrapped(r[0]); }),
        datasets: [{
          label: "Events", data: rows.map(function (r) { return r[1]; }), maxBarThickness: 22,
          backgroundColor: rows.map(function (r) { return color === "types" ? (TYPE_COLOURS[r[0]] || "#475569") : color; }),
        }],
      },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false,
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { grid: { display: false } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { afterLabel: function (item) { return "Fatalities: " + rows[item.dataIndex][2].toLocaleString("en"); } } },
        },
      },
    });
    canvas.setAttribute("data-ready", "true");
  }

  timeline();
  bars("types-chart", data.types, "types");
  bars("countries-chart", data.countries.slice(0, TOP_COUNTRIES), "#475569");
})();
