// Draw every diagram on the page with bpmn-js and report import warnings, per file, in the page
// (and in window.slrtDiagrams, which the browser tests read).
(function () {
  "use strict";
  window.slrtDiagrams = {};
  var canvases = document.querySelectorAll(".kanvas");
  var pending = canvases.length;
  function finished() {
    pending -= 1;
    if (pending === 0) { window.slrtDiagramsDone = true; }
  }
  if (pending === 0) { window.slrtDiagramsDone = true; }
  canvases.forEach(function (canvas) {
    var index = canvas.id.split("-")[1];
    var status = document.getElementById("status-" + index);
    var xml = JSON.parse(document.getElementById("xml-" + index).textContent);
    var viewer = new BpmnJS({ container: canvas });
    viewer.importXML(xml).then(function (result) {
      var warnings = result.warnings.map(function (w) { return w.message; });
      window.slrtDiagrams[canvas.dataset.file] = { warnings: warnings, error: null };
      viewer.get("canvas").zoom("fit-viewport");
      status.textContent = warnings.length ? ("Peringatan impor: " + warnings.join("; ")) : "Diagram dimuat tanpa peringatan.";
      finished();
    }).catch(function (err) {
      window.slrtDiagrams[canvas.dataset.file] = { warnings: [], error: String(err.message || err) };
      status.textContent = "Diagram gagal dimuat: " + (err.message || err);
      finished();
    });
  });
})();
