// The wallboard's traffic chart (ST1): today's offered, answered and abandoned contacts per
// interval, drawn as SVG bars from each snapshot live.js receives. No library, no build.
// A time axis with hour labels (Stockholm time: the server labels each interval), the SVG's
// own title and description for screen readers, and the numbers in the table below it
// (issue 9 §13).
(function () {
  const chart = document.getElementById("chart");
  if (!chart) return;
  const rows = document.getElementById("chart-rows");
  const NS = "http://www.w3.org/2000/svg";
  const SERIES = ["offered", "answered", "abandoned"];
  function element(name, attributes, text) {
    const node = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? values[key] : match));
  }
  function table(data) {
    if (!rows) return;
    rows.replaceChildren(...data.labels.map(function (label, i) {
      const row = document.createElement("tr");
      const cells = [label, ...SERIES.map((series) => data[series][i])];
      cells.forEach(function (value, k) {
        const cell = document.createElement("td");
        if (k) cell.className = "num";
        cell.textContent = value;
        row.appendChild(cell);
      });
      return row;
    }));
  }
  document.addEventListener("vaxel:snapshot", function (event) {
    const data = event.detail.chart;
    if (!data || !data.labels.length) return;
    table(data);
    // Drawn in the container's own pixels, so bars and labels are never stretched.
    const count = data.labels.length, width = chart.clientWidth || 600, height = 190;
    const left = 30, slot = (width - left - 4) / count;
    const bar = Math.max(1, Math.min(12, (slot - 2) / 3));  // one early interval: no wall of grey
    const base = height - 22, top = Math.max(1, ...data.offered);
    const total = (series) => data[series].reduce((sum, value) => sum + value, 0);
    const svg = element("svg", {
      width: width, height: height, viewBox: `0 0 ${width} ${height}`,
      role: "img", "aria-labelledby": "chart-title chart-desc",
    });
    svg.appendChild(element("title", { id: "chart-title" }, chart.dataset.title || ""));
    svg.appendChild(element("desc", { id: "chart-desc" }, fill(chart.dataset.desc || "", {
      from: data.labels[0], to: data.labels[count - 1],
      offered: total("offered"), answered: total("answered"), abandoned: total("abandoned"),
    })));
    data.labels.forEach(function (label, i) {
      SERIES.forEach(function (series, k) {
        const value = data[series][i], tall = (base - 14) * value / top;
        const rect = element("rect", { x: left + i * slot + 1 + k * bar, y: base - tall, width: bar, height: tall, class: series });
        rect.appendChild(element("title", {}, `${label} ${chart.dataset[series] || series}: ${value}`));
        svg.appendChild(rect);
      });
    });
    // The axes: time along the bottom, the count up the left (0 and the day's highest).
    svg.appendChild(element("line", { x1: left, y1: base, x2: width - 2, y2: base, class: "axis" }));
    svg.appendChild(element("line", { x1: left, y1: base, x2: left, y2: 8, class: "axis" }));
    svg.appendChild(element("text", { x: left - 4, y: 14, "text-anchor": "end" }, String(top)));
    svg.appendChild(element("text", { x: left - 4, y: base, "text-anchor": "end" }, "0"));
    // A tick on every whole hour, labelled, and the first interval labelled too (an early
    // morning has no whole hour yet); labels that would overlap on a narrow screen are left out.
    let labelled = -Infinity;
    data.labels.forEach(function (label, i) {
      const x = left + i * slot, whole = label.endsWith(":00");
      if (!whole && i > 0) return;
      svg.appendChild(element("line", { x1: x, y1: base, x2: x, y2: base + 4, class: "axis" }));
      if (x - labelled < 36) return;
      svg.appendChild(element("text", { x: x, y: height - 4, class: "hour" }, label));
      labelled = x;
    });
    chart.replaceChildren(svg);
  });
})();
