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
    // Drawn in the container's own pixels, so bars and labels are never stretched.
    const count = data.labels.length, width = chart.clientWidth || 600, height = 180;
    const slot = width / count, bar = Math.max(1, (slot - 2) / 3), base = height - 16;
    const top = Math.max(1, ...data.offered);
    const svg = element("svg", { width: width, height: height, viewBox: `0 0 ${width} ${height}` });
    data.labels.forEach(function (label, i) {
      ["offered", "answered", "abandoned"].forEach(function (series, k) {
        const value = data[series][i], tall = (base - 14) * value / top;
        const rect = element("rect", { x: i * slot + 1 + k * bar, y: base - tall, width: bar, height: tall, class: series });
        rect.appendChild(element("title", {}, `${label} ${chart.dataset[series] || series}: ${value}`));
        svg.appendChild(rect);
      });
      if (label.endsWith(":00")) svg.appendChild(element("text", { x: i * slot, y: height - 2 }, label));
    });
    svg.appendChild(element("text", { x: 0, y: 10 }, String(top)));
    chart.replaceChildren(svg);
  });
})();
