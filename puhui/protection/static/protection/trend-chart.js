// The complaint statistics' monthly trend: complaints and late answers as bars, the on-time rate as a line.
(function () {
  if (!window.echarts) return;
  const el = document.getElementById("trend-chart");
  const src = document.getElementById("trend-data");
  if (!el || !src) return;
  const months = JSON.parse(src.textContent);
  const rate = (v) => (v === "—" ? null : Number(v));
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { bottom: 0 },
    grid: { left: 10, right: 10, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: months.map((m) => m.key) },
    yAxis: [
      { type: "value", name: "投诉（件）", minInterval: 1 },
      { type: "value", name: "按期答复率（%）", min: 0, max: 100 },
    ],
    series: [
      { name: "投诉（件）", type: "bar", data: months.map((m) => m.n) },
      { name: "逾期答复（件）", type: "bar", data: months.map((m) => m.late) },
      { name: "按期答复率（%）", type: "line", yAxisIndex: 1, connectNulls: false, data: months.map((m) => rate(m.on_time_rate)) },
    ],
  });
  el.dataset.ready = "1";
  window.addEventListener("resize", () => chart.resize());
})();
