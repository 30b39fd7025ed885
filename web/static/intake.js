// DTKS lookup at the intake desk: shows at once whether the family is registered, and in which programs.
(function () {
  "use strict";
  var url = document.currentScript.dataset.url;
  var button = document.getElementById("cek-dtks");
  var out = document.getElementById("hasil-dtks");
  button.addEventListener("click", function () {
    var nik = document.getElementById("nik").value.trim();
    var kk = document.getElementById("no_kk").value.trim();
    var query = nik ? "nik=" + encodeURIComponent(nik) : "no_kk=" + encodeURIComponent(kk);
    out.textContent = "Memeriksa DTKS…";
    fetch(url + "?" + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json().then(function (body) { return [response.status, body]; }); })
      .then(function (result) {
        var status = result[0], body = result[1];
        if (status !== 200) {
          out.textContent = body.message + (body.errors ? ": " + Object.values(body.errors).join("; ") : "");
        } else if (body.terdaftar) {
          out.textContent = "Terdaftar di DTKS" + (body.program.length ? "; peserta " + body.program.join(", ") : "; belum menerima program") + ".";
        } else {
          out.textContent = "Tidak terdaftar di DTKS: pengaduan akan diusulkan ke pra-daftar.";
        }
      })
      .catch(function () { out.textContent = "DTKS tidak dapat diperiksa sekarang."; });
  });
})();
