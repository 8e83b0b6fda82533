// A "Print" button (data-print) opens the browser's print dialog; hidden until this script runs,
// since without it the button could do nothing.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
