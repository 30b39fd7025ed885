// The workflow modeler: bpmn-js with the Camunda properties panel for .bpmn files, dmn-js for .dmn
// files. Every file of the version is kept in memory; edits of the open file are saved into that
// set whenever another file is opened, validated or published. Validation findings are listed and
// marked on their elements (red outline and a badge on the canvas, a red outline on DMN rule cells).
// State for the browser tests: window.slrtEditor.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data-alur").textContent);
  var text = data.text;
  var files = Object.assign({}, data.files);
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var container = document.getElementById("kanvas-modeler");
  var panel = document.getElementById("panel-properti");
  var status = document.getElementById("status-modeler");
  var list = document.getElementById("temuan");
  var summary = document.getElementById("ringkasan-temuan");
  var publishButton = document.getElementById("tombol-terbit");
  var state = window.slrtEditor = { ready: false, current: null, findings: null, marked: [], published: null };
  var modeler = null;
  var kind = null;
  var camunda = null;
  var findings = [];

  // The toolbar is a form only for its labels; it is never submitted (no inline handler: CSP).
  document.getElementById("form-berkas").addEventListener("submit", function (event) { event.preventDefault(); });

  function fetchJson(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, body: json }; });
    });
  }

  function keepCurrent() {
    if (!modeler || !state.current) { return Promise.resolve(); }
    return modeler.saveXML({ format: true }).then(function (result) { files[state.current] = result.xml; });
  }

  function destroy() {
    if (modeler) { modeler.destroy(); }
    modeler = null;
    container.innerHTML = "";
    panel.innerHTML = "";
  }

  function openFile(name) {
    state.ready = false;
    return keepCurrent().then(function () {
      destroy();
      state.current = name;
      document.getElementById("tombol-unduh").href = "#";
      panel.style.display = name.slice(-5) === ".bpmn" ? "" : "none";
      if (name.slice(-5) === ".bpmn") {
        kind = "bpmn";
        modeler = new BpmnJS({
          container: container,
          propertiesPanel: { parent: panel },
          additionalModules: [
            BpmnJSPropertiesPanel.BpmnPropertiesPanelModule,
            BpmnJSPropertiesPanel.BpmnPropertiesProviderModule,
            BpmnJSPropertiesPanel.CamundaPlatformPropertiesProviderModule
          ],
          moddleExtensions: { camunda: camunda }
        });
      } else {
        kind = "dmn";
        modeler = new DmnJS({ container: container });
      }
      state.modeler = modeler;
      return modeler.importXML(files[name]);
    }).then(function () {
      if (kind === "bpmn") {
        modeler.get("canvas").zoom("fit-viewport");
      } else {
        var table = modeler.getViews().filter(function (v) { return v.type === "decisionTable"; })[0];
        if (table) { return modeler.open(table); }
      }
    }).then(function () {
      status.textContent = text.loaded;
      modeler.on && kind === "bpmn" && modeler.on("commandStack.changed", function () {
        if (publishButton) { publishButton.disabled = true; }
      });
      markFindings();
      state.ready = true;
    }).catch(function (err) {
      status.textContent = text.failed + " " + (err.message || err);
      state.ready = true;
    });
  }

  function clearMarks() {
    state.marked = [];
    if (!modeler) { return; }
    if (kind === "bpmn") {
      var canvas = modeler.get("canvas");
      var registry = modeler.get("elementRegistry");
      modeler.get("overlays").remove({ type: "slrt-temuan" });
      registry.getAll().forEach(function (element) {
        canvas.removeMarker(element, "slrt-galat");
        canvas.removeMarker(element, "slrt-peringatan");
      });
    } else {
      container.querySelectorAll("td.slrt-galat").forEach(function (cell) { cell.classList.remove("slrt-galat"); });
    }
  }

  function markFindings() {
    clearMarks();
    findings.forEach(function (finding) {
      if (finding.file !== state.current || !finding.element_id || finding.severity === "info") { return; }
      if (kind === "bpmn") {
        var registry = modeler.get("elementRegistry");
        var element = registry.get(finding.element_id);
        if (!element) { return; }
        modeler.get("canvas").addMarker(element, finding.severity === "error" ? "slrt-galat" : "slrt-peringatan");
        var badge = document.createElement("div");
        badge.className = "slrt-lencana";
        badge.textContent = "!";
        badge.title = finding.message;
        modeler.get("overlays").add(element, "slrt-temuan", { position: { top: -10, right: 10 }, html: badge });
        state.marked.push(finding.element_id);
      } else {
        var cells = container.querySelectorAll('[data-row-id="' + CSS.escape(finding.element_id) + '"]');
        cells.forEach(function (cell) { cell.classList.add("slrt-galat"); });
        if (cells.length) { state.marked.push(finding.element_id); }
      }
    });
  }

  function showFindings(found) {
    findings = found;
    state.findings = found;
    list.innerHTML = "";
    var errors = found.filter(function (f) { return f.severity === "error"; }).length;
    summary.textContent = errors ? text.errors.replace("{n}", errors)
      : (found.length ? text.warnings.replace("{n}", found.length) + " " + text.none : text.none);
    found.forEach(function (f) {
      var item = document.createElement("li");
      item.className = f.severity;
      item.dataset.elementId = f.element_id || "";
      var where = (f.file || "") + (f.line ? " (" + text.line + " " + f.line + ")" : "");
      item.textContent = "[" + f.severity + "] " + where + " — " + (f.element_id || "") +
        (f.element_name ? " «" + f.element_name + "»" : "") + ": " + f.message;
      item.addEventListener("click", function () {
        var go = f.file && f.file !== state.current && files[f.file] !== undefined ? selectFile(f.file) : Promise.resolve();
        go.then(function () {
          if (kind === "bpmn" && f.element_id && modeler.get("elementRegistry").get(f.element_id)) {
            modeler.get("selection").select(modeler.get("elementRegistry").get(f.element_id));
          }
        });
      });
      list.appendChild(item);
    });
    markFindings();
    if (publishButton) { publishButton.disabled = errors > 0; }
  }

  function selectFile(name) {
    document.getElementById("pilih-berkas").value = name;
    return openFile(name);
  }

  function validate() {
    summary.textContent = text.validating;
    state.findings = null;
    return keepCurrent().then(function () {
      return fetchJson(data.validate, { process_id: data.process_id, files: files });
    }).then(function (answer) {
      showFindings(answer.body.findings || [{ severity: "error", message: answer.body.message || "?" }]);
    });
  }

  function publish() {
    publishButton.disabled = true;
    return keepCurrent().then(function () {
      return fetchJson(data.publish, { process_id: data.process_id, files: files });
    }).then(function (answer) {
      if (answer.status === 201) {
        state.published = answer.body;
        summary.textContent = text.published.replace("{n}", answer.body.version);
        status.textContent = summary.textContent;
      } else {
        summary.textContent = text.refused + " " + answer.body.message;
        if (answer.body.findings) { showFindings(answer.body.findings); }
      }
    });
  }

  function dryRun() {
    var out = document.getElementById("hasil-uji");
    var head = document.getElementById("ringkasan-uji");
    head.textContent = text.running;
    out.innerHTML = "";
    state.dryRun = null;
    return keepCurrent().then(function () {
      return fetchJson(data.dryrun, { process_id: data.process_id, files: files });
    }).then(function (answer) {
      if (answer.status !== 200) {
        head.textContent = answer.body.message;
        if (answer.body.findings) { showFindings(answer.body.findings); }
        state.dryRun = { error: answer.body.message };
        return;
      }
      var report = answer.body;
      head.textContent = text.changed.replace("{n}", report.berubah.length).replace("{total}", report.jumlah);
      report.skenario.filter(function (s) { return s.berubah; }).forEach(function (s) {
        var item = document.createElement("li");
        var describe = function (o) {
          var sent = o.pesan_keluar.map(function (m) { return m[1]; }).join(" → ");
          return (o.tujuan_rujukan || "-") + " / " + (o.saluran_rujukan || "-") + (sent ? " [" + sent + "]" : "") +
            (o.gagal ? " (" + o.gagal + ")" : "");
        };
        item.textContent = s.nama + ": " + s.perbedaan.join(", ") + " — " + text.before + " " + describe(s.sebelum) +
          "; " + text.after + " " + describe(s.sesudah);
        out.appendChild(item);
      });
      state.dryRun = report;
    });
  }

  document.getElementById("tombol-uji").addEventListener("click", dryRun);
  document.getElementById("pilih-berkas").addEventListener("change", function (event) { openFile(event.target.value); });
  document.getElementById("tombol-validasi").addEventListener("click", validate);
  if (publishButton) { publishButton.addEventListener("click", publish); }
  document.getElementById("tombol-unduh").addEventListener("click", function (event) {
    event.preventDefault();
    keepCurrent().then(function () {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([files[state.current]], { type: "application/xml" }));
      link.download = state.current.split("/").pop();
      link.click();
    });
  });

  fetch(data.camunda, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (json) {
    camunda = json;
    return openFile(data.current);
  });
})();
