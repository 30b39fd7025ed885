// Draw each dashboard table's chart with Chart.js (served by the app); the numbers stay in the tables.
(function () {
  "use strict";
  const PALETTE = ["#124e78", "#f5a623", "#1a7f37", "#b42318", "#6f42c1", "#0a9396", "#9a6700", "#5c677d",
                   "#d63384", "#2a9d8f"];
  function config(spec) {
    const horizontal = spec.type === "hbar";
    const round = spec.type === "doughnut";
    const datasets = spec.series.map(function (series, index) {
      const colour = PALETTE[index % PALETTE.length];
      return {
        label: series.label,
        data: series.data,
        backgroundColor: round ? spec.labels.map(function (_l, i) { return PALETTE[i % PALETTE.length]; }) : colour,
        borderColor: round ? "#fff" : colour,
        fill: false,
        tension: 0.2,
      };
    });
    return {
      type: horizontal ? "bar" : spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: round || datasets.length > 1, position: "bottom" } },
        scales: round ? {} : { x: { beginAtZero: true }, y: { beginAtZero: true } },
      },
    };
  }
  function draw() {
    const source = document.getElementById("data-grafik");
    if (!source || typeof Chart === "undefined") { return; }
    JSON.parse(source.textContent).forEach(function (spec) {
      const canvas = spec && document.getElementById("grafik-" + spec.id);
      if (canvas) { new Chart(canvas, config(spec)); }
    });
    document.body.dataset.grafik = "siap";
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
