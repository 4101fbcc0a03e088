// Charts of the index pages: county trend with balance, town radar and trend.
(function () {
  if (!window.echarts) return;
  const data = (id) => { const el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; };
  const num = (v, d) => (window.puhuiFigures ? window.puhuiFigures.number(v, d) : v);
  const ready = (el, chart) => { el.dataset.ready = "1"; window.addEventListener("resize", () => chart.resize()); };

  const trendEl = document.getElementById("trend-chart");
  const trend = data("trend-data");
  if (trendEl && trend) {
    const c = echarts.init(trendEl);
    c.setOption({
      tooltip: { trigger: "axis", valueFormatter: (v) => num(v, 3) }, legend: { data: ["全县指数", "变异系数", "泰尔指数"] },
      grid: { left: 10, right: 10, containLabel: true },
      xAxis: { type: "category", data: trend.periods },
      yAxis: [{ type: "value", name: "指数（分）", scale: true }, { type: "value", name: "均衡度", scale: true }],
      series: [
        { name: "全县指数", type: "line", data: trend.county.map((v) => v == null ? null : +v.toFixed(2)) },
        { name: "变异系数", type: "line", yAxisIndex: 1, data: trend.cv.map((v) => v == null ? null : +v.toFixed(3)) },
        { name: "泰尔指数", type: "line", yAxisIndex: 1, data: trend.theil.map((v) => v == null ? null : +v.toFixed(3)) },
      ],
    });
    ready(trendEl, c);
  }

  const radarEl = document.getElementById("radar-chart");
  const radar = data("radar-data");
  if (radarEl && radar && radar.length) {
    const c = echarts.init(radarEl);
    const max = Math.max(100, ...radar.map((r) => r.value || 0), ...radar.map((r) => r.county || 0));
    c.setOption({
      tooltip: {}, legend: { data: ["本镇（街道）", "全县"], bottom: 0 },
      radar: { indicator: radar.map((r) => ({ name: r.name, max: Math.ceil(max) })) },
      series: [{ type: "radar", data: [
        { name: "本镇（街道）", value: radar.map((r) => +(r.value || 0).toFixed(1)) },
        { name: "全县", value: radar.map((r) => +(r.county || 0).toFixed(1)) },
      ] }],
    });
    ready(radarEl, c);
  }

  const ttEl = document.getElementById("town-trend");
  const tt = data("town-trend-data");
  if (ttEl && tt) {
    const c = echarts.init(ttEl);
    c.setOption({
      tooltip: { trigger: "axis", valueFormatter: (v) => num(v, 2) }, legend: { type: "scroll", bottom: 0 },
      grid: { left: 10, right: 10, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: tt.periods }, yAxis: { type: "value", name: "指数（分）", scale: true },
      series: tt.series.map((s) => ({ name: s.name, type: "line", data: s.data.map((v) => v == null ? null : +v.toFixed(2)) })),
    });
    ready(ttEl, c);
  }
})();
