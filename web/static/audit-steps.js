// The auditor's step-through: walk a case's events on its diagrams (bpmn-js), one frame per event.
(function () {
  "use strict";
  var payload = JSON.parse(document.getElementById("langkah-data-json").textContent);
  var frames = payload.frames, times = payload.times, labels = payload.labels, viewers = [], current = 0;
  var slider = document.getElementById("langkah-geser");
  window.slrtAudit = { ready: 0, step: 0, drawings: 0, marked: {} };

  function text(value) { return typeof value === "string" ? value : JSON.stringify(value); }

  function item(list, content) {
    var li = document.createElement("li");
    li.textContent = content;
    list.appendChild(li);
  }

  function mark(viewer, frame) {
    var canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry"), marked = 0;
    registry.forEach(function (element) {
      ["selesai", "sekarang", "peristiwa-ini"].forEach(function (m) { canvas.removeMarker(element.id, m); });
    });
    function add(id, marker) { if (registry.get(id)) { canvas.addMarker(id, marker); marked += 1; } }
    frame.done.forEach(function (id) { add(id, "selesai"); });
    frame.open_tasks.forEach(function (t) { add(t.element_id, "sekarang"); });
    if (frame.element_id) { add(frame.element_id, "peristiwa-ini"); }
    return marked;
  }

  function local(iso) {
    // an instant (ISO, UTC) in the case's district zone, as the server writes it: "26-11-2026 10:00 WITA"
    var at = new Date(new Date(iso.endsWith("Z") || /[+-]\d\d:\d\d$/.test(iso) ? iso : iso + "Z").getTime() +
                      payload.zone.hours * 3600000);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(at.getUTCDate()) + "-" + two(at.getUTCMonth() + 1) + "-" + at.getUTCFullYear() + " " +
      two(at.getUTCHours()) + ":" + two(at.getUTCMinutes()) + " " + payload.zone.label;
  }

  function show(index) {
    current = Math.max(0, Math.min(frames.length - 1, index));
    var frame = frames[current];
    slider.value = current + 1;
    document.getElementById("langkah-judul").textContent = labels.event + " #" + frame.seq + " · " +
      (labels.types[frame.type] || frame.type) + (frame.element_id ? " (" + frame.element_id + ")" : "") +
      " · " + times[current] + " · " + labels.by + " " + frame.actor;
    var body = document.querySelector("#langkah-data tbody");
    body.innerHTML = "";
    Object.keys(frame.changed).sort().forEach(function (key) {
      var row = body.insertRow(), name = document.createElement("th");
      name.scope = "row"; name.textContent = labels.variables[key] || key; name.title = key; row.appendChild(name);
      row.insertCell().textContent = text(frame.changed[key]);
    });
    frame.removed.forEach(function (key) {
      var row = body.insertRow();
      row.insertCell().textContent = labels.variables[key] || key; row.insertCell().textContent = "(" + labels.removed + ")";
    });
    if (!body.rows.length) { body.insertRow().insertCell().textContent = "(" + labels.none + ")"; }
    var tasks = document.getElementById("langkah-tugas"), timers = document.getElementById("langkah-timer");
    tasks.innerHTML = ""; timers.innerHTML = "";
    frame.open_tasks.forEach(function (t) {
      item(tasks, t.name + " — " + labels.due + " " + (t.due ? local(t.due) : "-") +
        (t.assignee ? " · " + labels.held + " " + t.assignee : ""));
    });
    frame.timers.forEach(function (t) { item(timers, t.element_id + " — " + local(t.due)); });
    if (!frame.open_tasks.length) { item(tasks, "(" + labels.none + ")"); }
    if (!frame.timers.length) { item(timers, "(" + labels.none + ")"); }
    document.querySelectorAll("#lini-masa tbody tr").forEach(function (row) {
      row.classList.toggle("langkah-aktif", Number(row.dataset.langkah) === current + 1);
    });
    var marked = 0;
    viewers.forEach(function (viewer) { marked += mark(viewer, frame); });
    window.slrtAudit.step = frame.seq;
    window.slrtAudit.marked = { total: marked, event: frame.element_id };
  }

  document.querySelectorAll(".kanvas.audit").forEach(function (canvas) {
    var index = canvas.id.split("-")[1];
    var xml = JSON.parse(document.getElementById("gambar-" + index).textContent);
    var viewer = new BpmnJS({ container: canvas });
    window.slrtAudit.drawings += 1;
    viewer.importXML(xml).then(function () {
      viewer.get("canvas").zoom("fit-viewport");
      viewers.push(viewer);
      mark(viewer, frames[current]);
      window.slrtAudit.ready += 1;
      show(current);
    }).catch(function (err) { window.slrtAudit.error = String(err.message || err); });
  });

  document.getElementById("langkah-awal").addEventListener("click", function () { show(0); });
  document.getElementById("langkah-mundur").addEventListener("click", function () { show(current - 1); });
  document.getElementById("langkah-maju").addEventListener("click", function () { show(current + 1); });
  document.getElementById("langkah-akhir").addEventListener("click", function () { show(frames.length - 1); });
  slider.addEventListener("input", function () { show(Number(slider.value) - 1); });
  document.querySelectorAll("#lini-masa a[data-langkah]").forEach(function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); show(Number(link.dataset.langkah) - 1); });
  });
  document.addEventListener("keydown", function (event) {
    if (event.target.tagName === "INPUT") { return; }
    if (event.key === "ArrowRight") { show(current + 1); }
    if (event.key === "ArrowLeft") { show(current - 1); }
  });
  if (frames.length) { show(0); }
})();
