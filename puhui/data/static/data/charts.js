// Charts of the data pages: a target's county series and its breakdown, the explorer's table and map.
// Tooltips are HTML. ECharts encodes names and valueFormatter results itself; a formatter's result it does
// not, so every value a formatter interpolates goes through esc (echarts.format.encodeHTML).
(function () {
  if (!window.echarts) return;
  const esc = echarts.format.encodeHTML;
  const fmt = (v) => (v === null || v === undefined ? "—" : Number(v).toLocaleString("zh-CN", { maximumFractionDigits: 2 }));

  function init(id) {
    const el = document.getElementById(id);
    if (!el) return null;
    const chart = echarts.init(el);
    window.addEventListener("resize", () => chart.resize());
    el.dataset.ready = "1";
    return chart;
  }

  const target = document.getElementById("target-chart");
  if (target) {
    const d = JSON.parse(target.textContent);
    const line = init("series-chart");
    if (line) {
      const periods = d.series.map((p) => p.period);
      const values = d.series.map((p) => p.value);
      let projection = null;
      if (d.projection && d.projection.value !== null) {
        periods.push("推算：" + d.projection.period);
        values.push(null);
        projection = periods.map(() => null);
        const last = d.series.length - 1;
        if (last >= 0) projection[last] = d.series[last].value;
        projection[periods.length - 1] = d.projection.value;
      }
      line.setOption({
        tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v) + d.unit },
        xAxis: { type: "category", data: periods },
        yAxis: { type: "value", name: d.unit },
        series: [
          { name: d.measure, type: "line", data: values, connectNulls: false,
            markLine: { symbol: "none", data: [{ yAxis: d.threshold, name: "目标" }], label: { formatter: "目标 " + fmt(d.threshold) + d.unit } } },
        ].concat(projection ? [{ name: "推算", type: "line", data: projection, lineStyle: { type: "dashed" }, connectNulls: true }] : []),
      });
    }
    const bars = init("units-chart");
    if (bars) {
      const units = d.units.filter((u) => u.value !== null);
      const limit = d.each !== null ? d.each : d.threshold;
      bars.setOption({
        tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v) },
        grid: { left: 10, right: 30, containLabel: true },
        xAxis: { type: "value" },
        yAxis: { type: "category", data: units.map((u) => u.name), inverse: true },
        series: [{ type: "bar", data: units.map((u) => ({ value: u.value, itemStyle: { color: u.ok === false ? "#c0392b" : "#2e7d32" } })),
                   markLine: { symbol: "none", data: [{ xAxis: limit }], label: { formatter: "目标 " + fmt(limit) } } }],
      });
    }
  }

  const explorer = document.getElementById("explorer-chart");
  if (explorer) {
    const d = JSON.parse(explorer.textContent);
    const bars = init("rows-chart");
    if (bars && d.rows.length) {
      const rows = d.rows.slice(0, 60);
      bars.setOption({
        tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v) + d.unit },
        grid: { left: 10, right: 30, containLabel: true },
        xAxis: { type: "value", name: d.unit },
        yAxis: { type: "category", data: rows.map((r) => r.name), inverse: true },
        series: [{ type: "bar", data: rows.map((r) => r.value) }],
      });
    }
    const line = init("trend-chart");
    if (line && d.series.length) {
      line.setOption({
        tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v) + d.unit },
        xAxis: { type: "category", data: d.series.map((p) => p.period) },
        yAxis: { type: "value", name: d.unit },
        series: [{ type: "line", data: d.series.map((p) => p.value), name: d.name }],
      });
    }
    const mapEl = document.getElementById("town-map");
    if (mapEl && d.level === "town") {
      fetch(mapEl.dataset.geojson, { credentials: "same-origin" })
        .then((r) => r.json())
        .then((geo) => {
          echarts.registerMap("county", geo);
          const map = init("town-map");
          const values = d.rows.map((r) => r.value).filter((v) => v !== null);
          map.setOption({
            tooltip: { trigger: "item", formatter: (p) => `${esc(p.name)}<br>${esc(d.name)}：${esc(fmt(p.value) + d.unit)}` },
            visualMap: { min: Math.min(...values, 0), max: Math.max(...values, 1), calculable: true, left: "left",
                         inRange: { color: ["#fde9e7", "#b0272d"] }, text: ["高", "低"] },
            series: [{ type: "map", map: "county", name: d.name, data: d.rows, label: { show: true, fontSize: 11 } }],
          });
        });
    }
  }
})();
