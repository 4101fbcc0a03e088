// Charts of the data pages: a target's county series and its breakdown, the explorer's table and map.
// Figures as the pages write them (window.puhuiFigures, app.js): thousands separators, yuan in 万元/亿元
// chosen by the largest value, the unit on the axis; the map's colours fitted to the values' range.
// Tooltips are HTML. ECharts encodes names and valueFormatter results itself; a formatter's result it does
// not, so every value a formatter interpolates goes through esc (echarts.format.encodeHTML).
(function () {
  if (!window.echarts || !window.puhuiFigures) return;
  const F = window.puhuiFigures;
  const esc = echarts.format.encodeHTML;

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
      const sc = F.scale(values.concat([d.threshold, d.projection ? d.projection.value : null]), d.unit);
      line.setOption({
        tooltip: { trigger: "axis", valueFormatter: (v) => F.format(v, d.unit, sc) },
        grid: { left: 10, right: 40, containLabel: true },
        xAxis: { type: "category", data: periods },
        yAxis: { type: "value", scale: true, ...F.axis(d.unit, sc) },
        series: [
          { name: d.measure, type: "line", data: values, connectNulls: false,
            markLine: { symbol: "none", data: [{ yAxis: d.threshold, name: "目标" }], label: { formatter: "目标 " + F.format(d.threshold, d.unit, sc) } } },
        ].concat(projection ? [{ name: "推算", type: "line", data: projection, lineStyle: { type: "dashed" }, connectNulls: true }] : []),
      });
    }
    const bars = init("units-chart");
    if (bars) {
      const units = d.units.filter((u) => u.value !== null);
      const limit = d.each !== null ? d.each : d.threshold;
      const sc = F.scale(units.map((u) => u.value).concat([limit]), d.unit);
      bars.setOption({
        tooltip: { trigger: "axis", valueFormatter: (v) => F.format(v, d.unit, sc) },
        grid: { left: 10, right: 40, containLabel: true },
        xAxis: { type: "value", ...F.axis(d.unit, sc) },
        yAxis: { type: "category", data: units.map((u) => u.name), inverse: true },
        series: [{ type: "bar", data: units.map((u) => ({ value: u.value, itemStyle: { color: u.ok === false ? "#c0392b" : "#2e7d32" } })),
                   markLine: { symbol: "none", data: [{ xAxis: limit }], label: { formatter: "目标 " + F.format(limit, d.unit, sc) } } }],
      });
    }
  }

  const explorer = document.getElementById("explorer-chart");
  if (explorer) {
    const d = JSON.parse(explorer.textContent);
    const bars = init("rows-chart");
    if (bars && d.rows.length) {
      const rows = d.rows.slice(0, 60);
      const sc = F.scale(rows.map((r) => r.value), d.unit);
      bars.setOption({
        tooltip: { trigger: "axis", valueFormatter: (v) => F.format(v, d.unit, sc) },
        grid: { left: 10, right: 40, containLabel: true },
        xAxis: { type: "value", ...F.axis(d.unit, sc) },
        yAxis: { type: "category", data: rows.map((r) => r.name), inverse: true },
        series: [{ type: "bar", data: rows.map((r) => r.value) }],
      });
    }
    const line = init("trend-chart");
    if (line && d.series.length) {
      const sc = F.scale(d.series.map((p) => p.value), d.unit);
      line.setOption({
        tooltip: { trigger: "axis", valueFormatter: (v) => F.format(v, d.unit, sc) },
        grid: { left: 10, right: 40, containLabel: true },
        xAxis: { type: "category", data: d.series.map((p) => p.period) },
        yAxis: { type: "value", scale: true, ...F.axis(d.unit, sc) },
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
          const values = d.rows.map((r) => r.value);
          const sc = F.scale(values, d.unit);
          const [min, max] = F.fit(values);
          map.setOption({
            tooltip: { trigger: "item", formatter: (p) => `${esc(p.name)}<br>${esc(d.name)}：${esc(F.format(p.value, d.unit, sc))}` },
            visualMap: { min, max, calculable: true, left: "left", inRange: { color: ["#fde9e7", "#f3a28f", "#b0272d"] },
                         text: ["高", "低"], formatter: (v) => F.format(v, d.unit, sc) },
            series: [{ type: "map", map: "county", name: d.name, data: d.rows, label: { show: true, fontSize: 11 } }],
          });
          mapEl.dataset.min = String(min);
          mapEl.dataset.max = String(max);
        });
    }
  }
})();
