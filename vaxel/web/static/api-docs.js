// Starts Swagger UI on /api/docs (issue 9 §9). A file rather than an inline script: the
// site's Content-Security-Policy allows scripts from the site only.
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle === "undefined") return;
  SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    // No deep links: they put a link inside each operation's toggle button, a control
    // nested in a control that keyboard and screen-reader users cannot reach (WCAG 4.1.2).
    deepLinking: false,
  });
})();
