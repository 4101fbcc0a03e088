// Charts of a statistical scorecard's validation report (credit.selectors.model_report → #report-charts).
(function () {
  const source = document.getElementById("report-charts");
  if (!source || !window.echarts) return;
  const c = JSON.parse(source.textContent);
  const charts = [];
  const pct = (v) => (v === null || v === undefined ? "—" : (100 * v).toFixed(1) + "%");

  function draw(id, option) {
    const el = document.getElementById(id);
    if (!el) return;
    const chart = echarts.init(el);
    chart.setOption(option);
    el.dataset.ready = "1";
    charts.push(chart);
  }

  draw("chart-discrimination", {
    title: { text: "AUC / Gini / KS", textStyle: { fontSize: 13 } },
    tooltip: { trigger: "axis" },
    legend: { top: 22 },
    grid: { top: 55, left: 40, right: 10, bottom: 25 },
    xAxis: { type: "category", data: c.discrimination.samples },
    yAxis: { type: "value", min: 0, max: 1 },
    series: [["auc", "AUC"], ["gini", "Gini"], ["ks", "KS"]].map(([k, name]) => ({ type: "bar", name, data: c.discrimination[k] })),
  });

  draw("chart-iv", {
    title: { text: "IV（绿色为入模特征）", textStyle: { fontSize: 13 } },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { top: 30, left: 110, right: 20, bottom: 25 },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: c.iv.names.slice().reverse(), axisLabel: { fontSize: 10 } },
    series: [
      {
        type: "bar",
        name: "IV",
        data: c.iv.values
          .map((v, i) => ({ value: v, itemStyle: { color: c.iv.selected[i] ? "#2e8b57" : "#aaa" } }))
          .reverse(),
      },
    ],
  });

  draw("chart-calibration", {
    title: { text: "各等级实际违约率与平均 PD", textStyle: { fontSize: 13 } },
    tooltip: { trigger: "axis", valueFormatter: pct },
    legend: { top: 22 },
    grid: { top: 55, left: 55, right: 10, bottom: 25 },
    xAxis: { type: "category", data: c.calibration.grades },
    yAxis: { type: "value", axisLabel: { formatter: pct } },
    series: c.calibration.series.flatMap((s) => [
      { type: "bar", name: s.label + " 违约率", data: s.default_rate },
      { type: "line", name: s.label + " 平均PD", data: s.pd, symbolSize: 7 },
    ]),
  });

  draw("chart-stability", {
    title: { text: "CSI（各特征，对训练样本）", textStyle: { fontSize: 13 } },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 22 },
    grid: { top: 55, left: 110, right: 20, bottom: 25 },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: c.stability.names, axisLabel: { fontSize: 10 } },
    series: c.stability.samples.map((label, j) => ({
      type: "bar",
      name: label + (c.stability.psi[j] !== null ? `（PSI ${c.stability.psi[j].toFixed(3)}）` : ""),
      data: c.stability.csi.map((row) => row[j]),
    })),
  });

  c.fairness.forEach((f, i) =>
    draw("chart-fairness-" + i, {
      title: { text: `批准率（按“${f.column}”）`, textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis", valueFormatter: pct },
      legend: { top: 22 },
      grid: { top: 55, left: 55, right: 10, bottom: 25 },
      xAxis: { type: "category", data: f.groups },
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: pct } },
      series: f.samples.map((s) => ({ type: "bar", name: s, data: f.groups.map((g) => f.approval[s][g] ?? null) })),
    })
  );

  window.addEventListener("resize", () => charts.forEach((ch) => ch.resize()));
})();
