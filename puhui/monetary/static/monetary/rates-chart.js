// The rate monitoring chart: the county's and each bank's weighted rate per quarter, with the 1-year LPR.
(function () {
  if (!window.echarts) return;
  const el = document.getElementById("rates-chart");
  const src = document.getElementById("rates-data");
  if (!el || !src) return;
  const data = JSON.parse(src.textContent);
  const num = (v) => (window.puhuiFigures ? window.puhuiFigures.number(v, 2) : v);
  const series = data.series.map((s, i) => ({
    name: s.name, type: "line", connectNulls: false, lineStyle: { width: i === 0 ? 3 : 1.5 }, data: s.data,
  }));
  series.push({ name: "1年期LPR", type: "line", step: "end", lineStyle: { type: "dashed" }, data: data.lpr });
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : num(v) + "%") },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 10, right: 10, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: data.quarters },
    yAxis: { type: "value", name: "年利率（%）", scale: true },
    series: series,
  });
  el.dataset.ready = "1";
  window.addEventListener("resize", () => chart.resize());
})();
