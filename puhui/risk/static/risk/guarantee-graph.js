// The guarantee graph of one group (risk.selectors.networks.group_graph): firms as circles sized by the
// loss their default would spread, links from guarantor to borrower as wide as the amount guaranteed.
(function () {
  const el = document.getElementById("guarantee-graph");
  if (!el || !window.echarts) return;
  const esc = echarts.format.encodeHTML; // firm names come from the registers
  const yuan = (v) => v.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + " 元";
  fetch(el.dataset.url, { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
    .then((data) => {
      const maxLoss = Math.max(1, ...data.nodes.map((n) => n.loss));
      const maxAmount = Math.max(1, ...data.links.map((l) => l.amount));
      const palette = ["#5470c6", "#91cc75", "#fac858", "#73c0de", "#3ba272", "#fc8452", "#9a60b4"];
      const chart = echarts.init(el);
      chart.setOption({
        tooltip: {
          formatter: (p) =>
            p.dataType === "edge"
              ? `${esc(data.nodes[p.data.source].name)} 为 ${esc(data.nodes[p.data.target].name)} 担保 ${yuan(p.data.amount)}`
              : `${esc(p.data.name)}<br>对外担保额 ${yuan(p.data.exposure)}<br>贷款余额 ${yuan(p.data.balance)}<br>传染损失 ${yuan(p.data.loss)}`,
        },
        series: [
          {
            type: "graph",
            layout: "force",
            roam: true,
            draggable: true,
            force: { repulsion: 160, edgeLength: [40, 120] },
            edgeSymbol: ["none", "arrow"],
            edgeSymbolSize: 7,
            label: { show: data.nodes.length <= 40, position: "right", fontSize: 11 },
            data: data.nodes.map((n) => ({
              ...n,
              id: String(n.id),
              symbolSize: 10 + 25 * Math.sqrt(n.loss / maxLoss),
              itemStyle: { color: n.defaulted ? "#d9534f" : n.circle ? palette[(n.circle - 1) % palette.length] : "#aaa" },
            })),
            links: data.links.map((l) => ({
              ...l,
              source: String(l.source),
              target: String(l.target),
              lineStyle: { width: 1 + 4 * (l.amount / maxAmount), opacity: 0.7, curveness: 0.15 },
            })),
          },
        ],
      });
      el.dataset.nodes = String(data.nodes.length);
      el.dataset.links = String(data.links.length);
      window.addEventListener("resize", () => chart.resize());
    })
    .catch(() => {
      el.textContent = "关系图加载失败，请刷新页面重试。";
    });
})();
