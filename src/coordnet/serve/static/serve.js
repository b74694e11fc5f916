/* coordnet workbench: open the network of this page with the report's own renderer
 * (report.js, loaded before this file). The network's JSON is in
 * <script type="application/json" id="net-ID">, exactly as in report.html. */
(function () {
  "use strict";
  var detail = document.getElementById("detail");
  if (!detail || !detail.dataset.network || !window.coordnetReport) return;
  window.coordnetReport.openNetwork(detail.dataset.network);
})();
