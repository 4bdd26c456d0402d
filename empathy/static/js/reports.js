// Reports: progressive enhancement only. Without JavaScript every figure is in the tables
// (and the dashboard shows simple SVG bars); the browser's own Print command prints the record.
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // Charts: each [data-chart] box carries its labels and values as JSON attributes,
  // the same rows as the table beside it. Chart.js is vendored under static/vendor/chartjs.
  var boxes = document.querySelectorAll("[data-chart]");
  if (!boxes.length || typeof window.Chart === "undefined") { return; }

  var BRAND = "#0f6e5a";
  var css = window.getComputedStyle(document.body);
  var ink = css.color || "#1d2731";
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 2 });
  var Chart = window.Chart;
  Chart.defaults.font.family = css.fontFamily;
  Chart.defaults.font.size = 13;
  Chart.defaults.color = ink;

  function parse(box, name) {
    try { return JSON.parse(box.getAttribute(name) || "[]"); } catch (e) { return []; }
  }

  function shorten(text, max) {
    text = String(text);
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }

  // Writes each bar's value at its end, so the chart reads without hovering.
  var valueLabels = {
    id: "empathyValueLabels",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx, horizontal = chart.options.indexAxis === "y";
      var meta = chart.getDatasetMeta(0), data = chart.data.datasets[0].data;
      if (!horizontal && data.length > 18) { return; }
      ctx.save();
      ctx.fillStyle = ink;
      ctx.font = "600 12px " + css.fontFamily;
      meta.data.forEach(function (bar, i) {
        if (!data[i]) { return; }
        var text = numbers.format(data[i]);
        if (horizontal) {
          ctx.textAlign = "left"; ctx.textBaseline = "middle";
          ctx.fillText(text, bar.x + 4, bar.y);
        } else {
          ctx.textAlign = "center"; ctx.textBaseline = "bottom";
          ctx.fillText(text, bar.x, bar.y - 3);
        }
      });
      ctx.restore();
    }
  };

  boxes.forEach(function (box) {
    var labels = parse(box, "data-labels"), values = parse(box, "data-values");
    var canvas = box.querySelector("canvas");
    if (!canvas || !labels.length) { return; }
    var horizontal = box.getAttribute("data-chart") !== "month";
    var whole = values.every(function (v) { return Math.round(v) === v; });
    if (horizontal) { box.style.height = Math.max(120, labels.length * 32 + 40) + "px"; }
    box.hidden = false;
    var valueAxis = {
      beginAtZero: true,
      grace: "12%",
      grid: { color: "#e4e8ec" },
      ticks: { precision: whole ? 0 : undefined, callback: function (v) { return numbers.format(v); } }
    };
    var labelAxis = {
      grid: { display: false },
      ticks: {
        autoSkip: !horizontal,
        callback: function (v) { return shorten(this.getLabelForValue(v), horizontal ? 22 : 10); }
      }
    };
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [{
          label: box.getAttribute("data-series") || "",
          data: values,
          backgroundColor: BRAND,
          hoverBackgroundColor: "#0a4f41",
          borderRadius: 3,
          maxBarThickness: horizontal ? 24 : 48
        }]
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        layout: { padding: { right: horizontal ? 8 : 0, top: horizontal ? 0 : 4 } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (item) { return item.dataset.label + ": " + numbers.format(item.raw); } } }
        },
        scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis }
      },
      plugins: [valueLabels]
    });
  });
})();
