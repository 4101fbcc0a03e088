// Milestone timeline: one row per task, a dot per milestone at its due date, coloured by state.
// The tooltip is HTML: every value in it is encoded (echarts.format.encodeHTML), task and milestone texts come from users.
(function () {
  var el = document.getElementById("milestone-chart");
  var source = document.getElementById("milestone-data");
  var data = source ? JSON.parse(source.textContent) : [];
  if (!el || !window.echarts || !data.length) { if (el) el.style.display = "none"; return; }
  var esc = echarts.format.encodeHTML;
  var colours = { met: "#2e7d32", late: "#f9a825", open: "#1565c0", overdue: "#c62828" };
  var labels = { met: "按期完成", late: "逾期完成", open: "未到期", overdue: "逾期未完成" };
  var tasks = [];
  data.forEach(function (d) { if (tasks.indexOf(d.task) < 0) tasks.push(d.task); });
  var series = Object.keys(colours).map(function (state) {
    return {
      name: labels[state], type: "scatter", symbolSize: 14, itemStyle: { color: colours[state] },
      data: data.filter(function (d) { return d.state === state; }).map(function (d) {
        return { value: [d.due, d.task], text: d.text, done: d.done, original: d.original };
      })
    };
  });
  var today = new Date().toISOString().slice(0, 10);
  series[0].markLine = { symbol: "none", label: { formatter: "今天" }, lineStyle: { color: "#999" }, data: [{ xAxis: today }] };
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { formatter: function (p) {
      var d = p.data; return esc(p.value[1]) + "<br>" + esc(d.text) + "<br>完成日期：" + esc(p.value[0]) +
        (d.original !== p.value[0] ? "（原定 " + esc(d.original) + "）" : "") + (d.done ? "<br>实际完成：" + esc(d.done) : "");
    } },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 36, bottom: 30, containLabel: true },
    xAxis: { type: "time" },
    yAxis: { type: "category", data: tasks, inverse: true, axisLabel: { width: 180, overflow: "truncate" } },
    series: series
  });
  el.dataset.ready = "1";
  window.addEventListener("resize", function () { chart.resize(); });
})();
