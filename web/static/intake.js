// DTKS lookup at the intake desk: shows at once whether the family is registered, and in which programs,
// and fills in what the registry knows (name, KK, address, village, sex, programs) where the form is empty.
// Enter in the NIK or No. KK field runs the lookup instead of submitting the form.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script.dataset.url;
  var text = JSON.parse(document.getElementById("teks-dtks").textContent);
  var button = document.getElementById("cek-dtks");
  var out = document.getElementById("hasil-dtks");

  function field(id) { return document.getElementById(id); }

  // The one-time form token: kept when the browser restored this form (Back), so saving it again
  // answers with the case already registered instead of registering a second one.
  var token = field("token_formulir");
  if (token && !token.value) { token.value = token.dataset.token; }

  function fill(id, value) {
    var element = field(id);
    if (!element || value === null || value === undefined || value === "") { return false; }
    if (element.tagName === "SELECT" && !Array.prototype.some.call(element.options, function (o) { return o.value === value; })) {
      return false;
    }
    element.value = value;
    element.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  function fillFrom(body) {
    var filled = [];
    if (fill("no_kk", body.no_kk)) { filled.push(text.kk); }
    if (fill("nama", body.nama)) { filled.push(text.nama); }
    if (fill("alamat", body.alamat)) { filled.push(text.alamat); }
    if (fill("wilayah", body.wilayah)) { filled.push(text.desa); }
    if (fill("jenis_kelamin", body.jenis_kelamin)) { filled.push(text.jenis_kelamin); }
    if (body.disabilitas !== null && body.disabilitas !== undefined) { field("disabilitas").checked = body.disabilitas; }
    if (body.program && body.program.length) {
      field("penerima_manfaat").checked = true;
      if (!field("program").value && body.program.length === 1) { fill("program", body.program[0]); }
    }
    return filled;
  }

  function lookup() {
    var nik = field("nik").value.trim();
    var kk = field("no_kk").value.trim();
    var query = (nik ? "nik=" + encodeURIComponent(nik) : "no_kk=" + encodeURIComponent(kk)) +
      "&lang=" + encodeURIComponent(script.dataset.lang || "id");  // the API's messages in the page's language
    out.textContent = text.memeriksa;
    fetch(url + "?" + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json().then(function (body) { return [response.status, body]; }); })
      .then(function (result) {
        var status = result[0], body = result[1];
        if (status !== 200) {
          out.textContent = body.message + (body.errors ? ": " + Object.values(body.errors).join("; ") : "");
        } else if (body.terdaftar) {
          var filled = fillFrom(body);
          out.textContent = (body.program.length ? text.peserta.replace("{program}", body.program.join(", ")) : text.tanpa_program) +
            (filled.length ? " " + text.diisi.replace("{kolom}", filled.join(", ")) : "");
        } else {
          out.textContent = text.tidak_terdaftar;
        }
      })
      .catch(function () { out.textContent = text.gagal; });
  }

  button.addEventListener("click", lookup);
  ["nik", "no_kk"].forEach(function (id) {
    field(id).addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        lookup();
      }
    });
  });
})();
