// The wallboard's traffic chart (ST1): today's offered, answered and abandoned contacts per
// interval, drawn as SVG bars from each snapshot live.js receives. No library, no build.
(function () {
  const chart = document.getElementById("chart");
  if (!chart) return;
  const NS = "http://www.w3.org/2000/svg";
  function element(name, attributes, text) {
    const node = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  document.addEventListener("vaxel:snapshot", function (event) {
    const data = event.detail.chart;
    if (!data) return;
    const count = data.labels.length, slot = 12, height = 120, base = height - 14;
    const top = Math.max(1, ...data.offered);
    const svg = element("svg", { viewBox: `0 0 ${count * slot} ${height}`, preserveAspectRatio: "none" });
    data.labels.forEach(function (label, i) {
      ["offered", "answered", "abandoned"].forEach(function (series, k) {
        const value = data[series][i], tall = (base - 4) * value / top;
        const bar = element("rect", { x: i * slot + 1 + k * 3.5, y: base - tall, width: 3.5, height: tall, class: series });
        bar.appendChild(element("title", {}, `${label} ${series}: ${value}`));
        svg.appendChild(bar);
      });
      if (label.endsWith(":00")) svg.appendChild(element("text", { x: i * slot, y: height - 2 }, label));
    });
    svg.appendChild(element("text", { x: 0, y: 10 }, String(top)));
    chart.replaceChildren(svg);
  });
})();
