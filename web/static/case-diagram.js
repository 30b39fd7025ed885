// Draw the case's diagrams with bpmn-js: completed steps, the current step and the path ahead marked.
(function () {
  "use strict";
  window.slrtCaseDiagrams = {};
  document.querySelectorAll(".kanvas.kasus").forEach(function (canvas) {
    var index = canvas.id.split("-")[1];
    var drawing = JSON.parse(document.getElementById("gambar-" + index).textContent);
    var viewer = new BpmnJS({ container: canvas });
    viewer.importXML(drawing.xml).then(function (result) {
      var marks = viewer.get("canvas"), registry = viewer.get("elementRegistry");
      drawing.done.forEach(function (id) { if (registry.get(id)) { marks.addMarker(id, "selesai"); } });
      drawing.current.forEach(function (id) { if (registry.get(id)) { marks.addMarker(id, "sekarang"); } });
      var seen = {}, queue = drawing.current.slice(), ahead = [];
      while (queue.length) {
        var element = registry.get(queue.shift());
        (element && element.businessObject.outgoing || []).forEach(function (flow) {
          var target = flow.targetRef && flow.targetRef.id;
          if (target && !seen[target] && drawing.current.indexOf(target) < 0) {
            seen[target] = true; ahead.push(target); queue.push(target); marks.addMarker(target, "berikutnya");
          }
        });
      }
      marks.zoom("fit-viewport");
      window.slrtCaseDiagrams[drawing.file] = { warnings: result.warnings.length, ahead: ahead.length };
    }).catch(function (err) {
      window.slrtCaseDiagrams[drawing.file] = { error: String(err.message || err) };
    });
  });
})();
