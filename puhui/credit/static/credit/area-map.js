// Credit maps of the county (towns as areas) and of a town (villages as areas when the county has
// loaded village boundaries, otherwise points at the village seats on the town's outline), coloured
// by the figure chosen in #area-metric. Data: the json_script #area-map-data (credit.selectors.area_map).
// The colour scale is fitted to the chosen figure's range (puhuiFigures.fit, app.js).
(function () {
  const el = document.getElementById("area-map");
  const source = document.getElementById("area-map-data");
  if (!el || !source || !window.echarts || !window.puhuiFigures) return;
  const F = window.puhuiFigures;
  const data = JSON.parse(source.textContent);
  const esc = echarts.format.encodeHTML; // the tooltip is HTML and village names come from users
  if (data.mode === "none" || !data.items.length) return;
  const select = document.getElementById("area-metric");
  const chart = echarts.init(el);
  const mapName = "credit-area-" + (el.dataset.key || "map");
  if (data.geo) echarts.registerMap(mapName, data.geo);

  const metricOf = (key) => data.metrics.find((m) => m.key === key) || data.metrics[0];
  const fmt = (m, v) =>
    v === null || v === undefined ? "—" : m.share ? F.format(v, "share") : F.number(v) + (m.unit || "");

  function option(key) {
    const m = metricOf(key);
    const values = data.items.map((i) => i.values[m.key]).filter((v) => v !== null && v !== undefined);
    // Fitted to the values (towns from 77% to 96% are not all one colour); the bounds are on the element.
    const [min, max] = F.fit(values, { share: m.share });
    el.dataset.min = String(min);
    el.dataset.max = String(max);
    const visualMap = {
      min,
      max,
      calculable: true,
      left: "left",
      bottom: 10,
      text: ["高", "低"],
      formatter: (v) => fmt(m, v),
      inRange: { color: ["#fde9e7", "#f3a28f", "#b0272d"] },
    };
    const tooltip = {
      trigger: "item",
      formatter: (p) => {
        const item = data.items.find((i) => i.name === p.name);
        return item ? `${esc(item.name)}<br>${esc(m.label)}：${esc(fmt(m, item.values[m.key]))}` : esc(p.name);
      },
    };
    if (data.mode === "regions") {
      return {
        tooltip,
        visualMap,
        series: [
          {
            type: "map",
            map: mapName,
            name: m.label,
            data: data.items.map((i) => ({
              name: i.name,
              value: i.values[m.key],
              itemStyle: i.highlight ? { borderColor: "#0d6efd", borderWidth: 3 } : undefined,
            })),
            label: { show: true, fontSize: 11 },
            emphasis: { label: { show: true } },
          },
        ],
      };
    }
    // points: villages at their seats, on the town's outline when there is one
    const points = data.items.map((i) => ({
      name: i.name,
      value: [i.coord[0], i.coord[1], i.values[m.key]],
      symbolSize: i.highlight ? 22 : 13,
      itemStyle: i.highlight ? { borderColor: "#0d6efd", borderWidth: 3 } : { borderColor: "#555", borderWidth: 0.5 },
      label: { show: i.highlight || data.items.length <= 30 },
    }));
    const scatter = {
      type: "scatter",
      name: m.label,
      data: points,
      label: { formatter: "{b}", position: "right", fontSize: 10 },
    };
    if (data.geo) {
      return {
        tooltip,
        visualMap: { ...visualMap, dimension: 2 },
        geo: { map: mapName, roam: true, itemStyle: { areaColor: "#f5f5f5", borderColor: "#999" }, silent: true },
        series: [{ ...scatter, coordinateSystem: "geo" }],
      };
    }
    return {
      tooltip,
      visualMap: { ...visualMap, dimension: 2 },
      xAxis: { type: "value", scale: true, name: "经度" },
      yAxis: { type: "value", scale: true, name: "纬度" },
      series: [scatter],
    };
  }

  chart.setOption(option(select ? select.value : data.metrics[0].key), true);
  chart.on("click", (p) => {
    const item = data.items.find((i) => i.name === p.name);
    if (item && item.url) window.location.href = item.url;
  });
  if (select) select.addEventListener("change", () => chart.setOption(option(select.value), true));
  el.dataset.ready = "1";
  window.addEventListener("resize", () => chart.resize());
})();
