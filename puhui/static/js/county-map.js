// Draws the county's towns coloured by one figure per town (the dashboard's, the index overview's): the
// #town-series json_script {metric, unit?, data: [{name, value}]}. The colour scale is fitted to the values'
// range (puhuiFigures.fit, app.js), so towns close together still get different colours; figures carry
// thousands separators and their unit.
// The tooltip is HTML: every value in it is encoded (echarts.format.encodeHTML), names come from users.
(function () {
  const el = document.getElementById("county-map");
  const source = document.getElementById("town-series");
  if (!el || !source || !window.echarts || !window.puhuiFigures) return;
  const F = window.puhuiFigures;
  const esc = echarts.format.encodeHTML;
  const series = JSON.parse(source.textContent);
  const unit = series.unit || "";
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((geo) => {
      echarts.registerMap("county", geo);
      const chart = echarts.init(el);
      const values = series.data.map((d) => d.value);
      const sc = F.scale(values, unit);
      const [min, max] = F.fit(values);
      chart.setOption({
        tooltip: { trigger: "item", formatter: (p) =>
                     `${esc(p.name)}<br>${esc(series.metric)}：${esc(F.format(p.value, unit, sc))}` },
        visualMap: { min, max, calculable: true, left: "left", text: ["高", "低"],
                     formatter: (v) => F.format(v, unit, sc),
                     inRange: { color: ["#fde9e7", "#f3a28f", "#b0272d"] } },
        series: [{ type: "map", map: "county", name: series.metric, data: series.data,
                   label: { show: true, fontSize: 11 }, emphasis: { label: { show: true } } }],
      });
      el.dataset.min = String(min);
      el.dataset.max = String(max);
      el.dataset.ready = "1";
      window.addEventListener("resize", () => chart.resize());
    });
})();
