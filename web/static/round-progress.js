// Keeps a running round's page current: polls its progress JSON and reloads once it is done.
(function () {
  "use strict";
  var section = document.getElementById("round-progress");
  if (!section) { return; }
  var url = section.getAttribute("data-progress-url");
  var bar = document.getElementById("round-progress-bar");
  var text = document.getElementById("round-progress-text");
  var failures = 0;

  function show(data) {
    var percent = Math.round(100 * (data.progress || 0)) + "%";
    bar.value = data.progress || 0;
    bar.textContent = percent;
    text.textContent = percent + " · " + (data.message || "");
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (data.status === "succeeded" || data.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () {
        failures += 1;
        text.textContent = "Could not check progress. Retrying…";
        window.setTimeout(poll, Math.min(30000, 2000 * failures));
      });
  }

  window.setTimeout(poll, 1000);
})();
