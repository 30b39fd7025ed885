// The workflow modeler: bpmn-js with the Camunda properties panel for .bpmn files, dmn-js for .dmn
// files. Every file of the version is kept in memory; edits of the open file are saved into that
// set whenever another file is opened, validated, saved as a draft or published.
// - "Simpan draf" keeps the set on the server (nothing validated or published); the page reopens it.
// - "Terbitkan" asks the server what publishing would do (the diff old -> new and the open cases per
//   running version in the analyst's scope) and publishes only after the analyst confirms in a dialog.
// - Leaving the page with edits not saved since the last draft save or publish asks first.
// - Findings are listed beside the canvas as buttons; one selects its element and scrolls to it.
// State for the browser tests: window.slrtEditor.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data-alur").textContent);
  var text = data.text;
  var files = Object.assign({}, data.saved_draft || data.files);
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var container = document.getElementById("kanvas-modeler");
  var panel = document.getElementById("panel-properti");
  var layout = document.getElementById("modeler");
  var status = document.getElementById("status-modeler");
  var list = document.getElementById("temuan");
  var summary = document.getElementById("ringkasan-temuan");
  var picker = document.getElementById("pilih-berkas");
  var publishButton = document.getElementById("tombol-terbit");
  var draftButton = document.getElementById("tombol-draf");
  var draftLine = document.getElementById("status-draf");
  var dialog = document.getElementById("dialog-terbit");
  var state = window.slrtEditor = {
    ready: false, current: null, findings: null, marked: [], published: null, dirty: false,
    draftSaved: null, restored: !!data.saved_draft, preview: null, publishCanceled: false
  };
  var modeler = null;
  var kind = null;
  var camunda = null;
  var findings = [];

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return values[key] !== undefined ? values[key] : all; });
  }

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

  function changed() {
    if (!state.ready) { return; }  // importing a file is not an edit
    state.dirty = true;
    status.textContent = text.unsaved;
  }

  window.addEventListener("beforeunload", function (event) {
    if (!state.dirty) { return; }
    event.preventDefault();
    event.returnValue = "";  // older browsers need a value to ask
  });

  // A SpiffArena form schema (.json) is edited as text.
  function TextEditor(name) {
    var area = document.createElement("textarea");
    area.className = "skema";
    area.spellcheck = false;
    area.setAttribute("aria-label", text.schema + ": " + name);
    area.addEventListener("input", changed);
    container.appendChild(area);
    this.importXML = function (content) { area.value = content; return Promise.resolve(); };
    this.saveXML = function () { return Promise.resolve({ xml: area.value }); };
    this.destroy = function () { area.remove(); };
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

  function watchDmn() {
    var viewer = modeler.getActiveViewer();
    if (viewer && !viewer.slrtWatched) {
      viewer.slrtWatched = true;
      viewer.on("commandStack.changed", changed);
    }
  }

  function openFile(name) {
    state.ready = false;
    return keepCurrent().then(function () {
      destroy();
      state.current = name;
      var bpmn = name.slice(-5) === ".bpmn";
      panel.style.display = bpmn ? "" : "none";
      layout.classList.toggle("dmn", !bpmn);
      if (name.slice(-5) === ".json") {
        kind = "json";
        modeler = new TextEditor(name);
      } else if (bpmn) {
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
      } else if (kind === "dmn") {
        var table = modeler.getViews().filter(function (v) { return v.type === "decisionTable"; })[0];
        if (table) { return modeler.open(table); }
      }
    }).then(function () {
      if (!state.dirty) { status.textContent = text.loaded; }
      if (kind === "bpmn") {
        modeler.on("commandStack.changed", changed);
      } else if (kind === "dmn") {
        watchDmn();
        modeler.on("views.changed", watchDmn);
      }
      markFindings();
      state.ready = true;
    }).catch(function (err) {
      status.textContent = text.failed + " " + (err.message || err);
      state.ready = true;
    });
  }

  function clearMarks() {
    state.marked = [];
    if (!modeler || kind === "json") { return; }
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
      if (finding.file !== state.current || !finding.element_id || finding.severity === "info" || kind === "json") { return; }
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

  // Open the finding's file, select its element, scroll it into view and move focus where it is edited:
  // the properties panel of a BPMN element, the first cell of a decision-table rule.
  function goTo(finding) {
    var go = finding.file && finding.file !== state.current && files[finding.file] !== undefined
      ? selectFile(finding.file) : Promise.resolve();
    return go.then(function () {
      var id = finding.element_id;
      if (!id || kind === "json") { (container.querySelector("textarea") || container).focus(); return; }
      if (kind === "bpmn") {
        var element = modeler.get("elementRegistry").get(id);
        if (!element) { status.textContent = fill(text.notFound, { elemen: id }); return; }
        return panelDrawn(40).then(function () {
          modeler.get("canvas").scrollToElement(element);
          modeler.get("selection").select(element);
          status.textContent = fill(text.selected, { elemen: (finding.element_name ? finding.element_name + " " : "") + "(" + id + ")" });
          state.selected = id;
          focusPanel(20);
        });
      } else {
        var row = 'td[data-row-id="' + CSS.escape(id) + '"]';
        var cell = container.querySelector(row + " [contenteditable]") || container.querySelector(row);
        if (!cell) { status.textContent = fill(text.notFound, { elemen: id }); return; }
        cell.scrollIntoView({ block: "center" });
        status.textContent = fill(text.selected, { elemen: id });
        if (!cell.isContentEditable) { cell.tabIndex = -1; }
        cell.focus();
      }
      state.selected = id;
    });
  }

  // A freshly opened diagram's properties panel draws its root a moment after the import; a selection
  // made before that would be drawn over.
  function panelDrawn(tries) {
    return new Promise(function (resolve) {
      (function wait(left) {
        if (panel.querySelector(".bio-properties-panel-header") || left <= 0) {
          window.setTimeout(resolve, 30);
        } else {
          window.setTimeout(function () { wait(left - 1); }, 50);
        }
      })(tries);
    });
  }

  // The properties panel draws the selected element a moment later: focus its first visible field then.
  // Its first visible field, else the first group's header (open groups with Enter).
  function focusPanel(tries) {
    var visible = function (selector) {
      return Array.prototype.filter.call(panel.querySelectorAll(selector), function (field) {
        return field.offsetParent !== null && !field.disabled;
      });
    };
    var fields = visible("input:not([type=hidden]), textarea, select");
    if (!fields.length) { fields = visible("button, [tabindex]:not([tabindex='-1'])"); }
    if (fields.length) { fields[0].focus(); return; }
    if (tries > 0) { window.setTimeout(function () { focusPanel(tries - 1); }, 50); } else { container.focus(); }
  }

  function showFindings(found) {
    findings = found;
    state.findings = found;
    list.innerHTML = "";
    var errors = found.filter(function (f) { return f.severity === "error"; }).length;
    var count = function (n, one, many) { return n === 1 ? one : fill(many, { n: n }); };
    summary.textContent = errors ? count(errors, text.errorOne, text.errors)
      : (found.length ? count(found.length, text.warningOne, text.warnings) + " " + text.none : text.none);
    found.forEach(function (f) {
      var item = document.createElement("li");
      item.className = "temuan-" + f.severity;
      var button = document.createElement("button");
      button.type = "button";
      button.dataset.elementId = f.element_id || "";
      var severity = document.createElement("span");
      severity.className = "derajat";
      severity.textContent = text.severity[f.severity] || f.severity;
      var where = document.createElement("span");
      where.className = "letak";
      where.textContent = [f.element_name ? "«" + f.element_name + "» " + (f.element_id ? "(" + f.element_id + ")" : "")
                           : (f.element_id || ""),
                           (f.file || "") + (f.line ? ", " + text.line + " " + f.line : "")]
        .filter(function (part) { return part; }).join(" · ");
      button.appendChild(severity);
      button.appendChild(document.createTextNode(f.message));
      button.appendChild(where);
      button.addEventListener("click", function () { goTo(f); });
      item.appendChild(button);
      list.appendChild(item);
    });
    markFindings();
  }

  function selectFile(name) {
    picker.value = name;
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

  function saveDraft() {
    draftButton.disabled = true;
    status.textContent = text.saving;
    return keepCurrent().then(function () {
      return fetchJson(data.draft, { process_id: data.process_id, dasar: data.version_id, files: files });
    }).then(function (answer) {
      draftButton.disabled = false;
      if (answer.status !== 200) {
        status.textContent = text.notSaved + " " + answer.body.message;
        return;
      }
      state.dirty = false;
      state.draftSaved = answer.body.saved_at;
      status.textContent = fill(text.saved, { waktu: answer.body.saved_at });
      document.getElementById("teks-draf").textContent = status.textContent;
      draftLine.hidden = false;
    });
  }

  function discardDraft() {
    return fetchJson(data.discard, { process_id: data.process_id }).then(function () {
      files = Object.assign({}, data.files);
      picker.innerHTML = "";
      Object.keys(files).sort().forEach(function (name) {
        var option = document.createElement("option");
        option.value = name;
        option.textContent = name;
        picker.appendChild(option);
      });
      draftLine.hidden = true;
      state.dirty = false;
      state.restored = false;
      modeler = null;  // the draft's edits of the open file are dropped, not kept
      destroy();
      var main = files[data.current] !== undefined ? data.current : Object.keys(files).sort()[0];
      return selectFile(main).then(function () {
        status.textContent = fill(text.discarded, { n: data.version_label });
      });
    });
  }

  function partName(part) {
    return text.part[part] || part.replace(/^@/, "");
  }

  function value(v) {
    return v === null || v === undefined ? text.absent : v;
  }

  function describeDiff(preview) {
    var box = document.getElementById("terbit-beda");
    box.innerHTML = "";
    document.getElementById("judul-terbit-beda").textContent = fill(text.diffHead, { n: preview.dari_versi });
    var diff = preview.beda;
    var any = false;
    [["diubah", text.changedElements], ["ditambah", text.added], ["dihapus", text.removed]].forEach(function (group) {
      var entries = diff[group[0]] || [];
      if (!entries.length) { return; }
      any = true;
      var head = document.createElement("p");
      head.textContent = group[1] + " (" + entries.length + ")";
      box.appendChild(head);
      var ul = document.createElement("ul");
      entries.forEach(function (e) {
        var li = document.createElement("li");
        var title = document.createElement("strong");
        title.textContent = (e.name ? "«" + e.name + "» " : "") + "(" + e.element_id + ")";
        li.appendChild(title);
        li.appendChild(document.createTextNode(" — " + e.file));
        if (e.perubahan && e.perubahan.length) {
          var parts = document.createElement("ul");
          e.perubahan.forEach(function (c) {
            var part = document.createElement("li");
            part.appendChild(document.createTextNode(partName(c.bagian) + ": "));
            var del = document.createElement("del");
            del.textContent = value(c.lama);
            var ins = document.createElement("ins");
            ins.textContent = value(c.baru);
            part.appendChild(del);
            part.appendChild(document.createTextNode(" → "));
            part.appendChild(ins);
            parts.appendChild(part);
          });
          li.appendChild(parts);
        }
        ul.appendChild(li);
      });
      box.appendChild(ul);
    });
    [["berkas_ditambah", text.filesAdded], ["berkas_dihapus", text.filesRemoved]].forEach(function (group) {
      if ((diff[group[0]] || []).length) {
        any = true;
        var p = document.createElement("p");
        p.textContent = group[1] + ": " + diff[group[0]].join(", ");
        box.appendChild(p);
      }
    });
    if (!any) { box.textContent = text.noChange; }
  }

  function describeCases(preview) {
    var body = document.querySelector("#terbit-kasus tbody");
    body.innerHTML = "";
    preview.kasus_berjalan.forEach(function (row) {
      var tr = document.createElement("tr");
      [fill(text.versionN, { n: row.versi }), row.label_cakupan, String(row.kasus_berjalan)].forEach(function (cell) {
        var td = document.createElement("td");
        td.textContent = cell;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    document.getElementById("terbit-kasus").hidden = !preview.kasus_berjalan.length;
    document.getElementById("terbit-kasus-ringkas").textContent = preview.jumlah_kasus_berjalan
      ? fill(text.cases, { n: preview.jumlah_kasus_berjalan }) : text.noCases;
  }

  function askToPublish() {
    publishButton.disabled = true;
    state.preview = null;
    state.publishCanceled = false;
    status.textContent = text.preparing;
    return keepCurrent().then(function () {
      return fetchJson(data.preview, { process_id: data.process_id, files: files });
    }).then(function (answer) {
      publishButton.disabled = false;
      if (answer.status !== 200) {
        status.textContent = text.refused + " " + answer.body.message;
        if (answer.body.findings) {
          showFindings(answer.body.findings);
          var first = list.querySelector("button");
          if (first) { first.focus(); }
        }
        return;
      }
      var preview = answer.body;
      state.preview = preview;
      document.getElementById("terbit-cakupan").textContent = fill(text.scopeLine, { cakupan: preview.label_cakupan });
      describeDiff(preview);
      describeCases(preview);
      status.textContent = state.dirty ? text.unsaved : "";
      dialog.showModal();
      document.getElementById("tombol-batal-terbit").focus();  // the safe choice first
    });
  }

  function cancelPublish() {
    if (dialog.open) { dialog.close(); }
    state.publishCanceled = true;
    status.textContent = text.canceled + (state.dirty ? " " + text.unsaved : "");
    publishButton.focus();
  }

  function publish() {
    var confirm = document.getElementById("tombol-yakin-terbit");
    confirm.disabled = true;
    status.textContent = text.publishing;
    return fetchJson(data.publish, { process_id: data.process_id, files: files }).then(function (answer) {
      confirm.disabled = false;
      dialog.close();
      if (answer.status === 201) {
        state.published = answer.body;
        state.dirty = false;
        // from now on this is the editor of the new version: drafts start from it, a reload opens it
        data.version_id = answer.body.id;
        data.version_label = answer.body.version;
        document.querySelector("h1").textContent = fill(text.heading, { versi: answer.body.version });
        document.title = document.querySelector("h1").textContent;
        window.history.replaceState(null, "", answer.body.editor);
        draftLine.hidden = true;  // the server dropped the draft it published
        status.textContent = fill(text.published, { n: answer.body.version });
        summary.textContent = status.textContent;
      } else {
        status.textContent = text.refused + " " + answer.body.message;
        if (answer.body.findings) { showFindings(answer.body.findings); }
      }
      publishButton.focus();
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
  picker.addEventListener("change", function (event) { openFile(event.target.value); });
  document.getElementById("tombol-validasi").addEventListener("click", validate);
  if (publishButton) {
    publishButton.addEventListener("click", askToPublish);
    draftButton.addEventListener("click", saveDraft);
    document.getElementById("tombol-buang-draf").addEventListener("click", discardDraft);
    document.getElementById("tombol-batal-terbit").addEventListener("click", cancelPublish);
    document.getElementById("tombol-yakin-terbit").addEventListener("click", publish);
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); cancelPublish(); });  // Escape
  }
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
    return openFile(picker.value || data.current);
  });
})();
