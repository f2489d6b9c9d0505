// The Dashboard's charts (uPlot): executions per minute and pickup time, over the last hour or day.
// Data comes from /dashboard/rate (catalog.execution_rate); redrawn every 30 seconds.
(function () {
  "use strict";
  function draw(box) {
    fetch("/dashboard/rate?minutes=" + box.dataset.minutes, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        var width = Math.max(260, box.clientWidth - 8);
        var opts = box.dataset.chart === "pickup"
          ? {series: [{}, {label: "pickup avg (ms)", stroke: "#1f5fbf", width: 2, spanGaps: true}]}
          : {series: [{}, {label: "ended", stroke: "#177245", width: 2}, {label: "failed", stroke: "#b3261e", width: 2}]};
        var series = box.dataset.chart === "pickup" ? [data.time, data.pickup_avg_ms] : [data.time, data.ended, data.failed];
        box.textContent = "";
        new uPlot(Object.assign({width: width, height: 180, scales: {x: {time: true}}}, opts), series, box);
        box.dataset.drawn = "true";
      })
      .catch(function () { box.textContent = "The chart could not be read."; });
  }
  function drawAll() { document.querySelectorAll("[data-chart]").forEach(draw); }
  document.addEventListener("DOMContentLoaded", function () { drawAll(); setInterval(drawAll, 30000); });
})();
