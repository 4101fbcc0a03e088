// Draws the county's towns coloured by the dashboard's per-town figure.
// The tooltip is HTML: every value in it is encoded (echarts.format.encodeHTML), names come from users.
(function () {
  const el = document.getElementById("county-map");
  if (!el || !window.echarts) return;
  const esc = echarts.format.encodeHTML;
  const series = JSON.parse(document.getElementById("town-series").textContent);
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((geo) => {
      echarts.registerMap("county", geo);
      const chart = echarts.init(el);
      const values = series.data.map((d) => d.value);
      chart.setOption({
        tooltip: { trigger: "item", formatter: (p) =>
                     `${esc(p.name)}<br>${esc(series.metric)}：${esc((p.value || 0).toLocaleString("zh-CN"))}` },
        visualMap: { min: Math.min(...values, 0), max: Math.max(...values, 1), calculable: true, left: "left",
                     inRange: { color: ["#fde9e7", "#b0272d"] }, text: ["高", "低"] },
        series: [{ type: "map", map: "county", name: series.metric, data: series.data,
                   label: { show: true, fontSize: 11 }, emphasis: { label: { show: true } } }],
      });
      el.dataset.ready = "1";
      window.addEventListener("resize", () => chart.resize());
    });
})();
