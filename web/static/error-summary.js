// After a form is sent back with problems, the error summary (templates/_forms.html) takes the
// focus, so a screen reader reads it first; each of its links moves the focus to the field it
// names (the first box of a group) and brings that field's label or legend into view.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) { return; }
  summary.focus();

  function labelFor(input) {
    var legend = input.closest("fieldset") && input.closest("fieldset").querySelector("legend");
    if (input.type === "checkbox" || input.type === "radio") { return legend || input; }
    return (input.labels && input.labels[0]) || legend || input;
  }

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) { return; }
    event.preventDefault();
    labelFor(input).scrollIntoView();
    input.focus({ preventScroll: true });
  });
})();
