// The print button of the receipt and of printable pages (a static script: the content security policy allows no inline handlers).
(function () {
  "use strict";
  var button = document.getElementById("cetak");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
