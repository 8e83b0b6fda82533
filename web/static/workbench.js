// The round workbench from the keyboard: j / k move between pairs, o opens why, x selects,
// a approves and r rejects (with a reason) the current pair. Every key stands for a button
// or link on the page, which works the same without this script.
(function () {
  "use strict";
  var table = document.querySelector("[data-workbench]");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tr.pathways-pair"));
  if (!rows.length) { return; }
  var help = document.querySelector("[data-keyboard-help]");
  if (help) { help.hidden = false; }
  var current = -1;

  function select(index) {
    if (index < 0 || index >= rows.length) { return; }
    if (current >= 0) { rows[current].classList.remove("is-current"); }
    current = index;
    rows[current].classList.add("is-current");
    rows[current].focus();
  }

  function inRow(selector) {
    return current >= 0 ? rows[current].querySelector(selector) : null;
  }

  function openWhy(focusReason) {
    var link = inRow("[data-why]");
    if (!link) { return; }
    window.location.hash = link.getAttribute("href");
    var panel = document.getElementById(link.getAttribute("href").slice(1));
    var reason = panel && panel.querySelector("textarea");
    if (focusReason && reason) { reason.focus(); }
  }

  var actions = {
    j: function () { select(current + 1); },
    k: function () { select(Math.max(current - 1, 0)); },
    o: function () { openWhy(false); },
    r: function () { if (inRow("[data-reject]")) { openWhy(true); } },
    x: function () { var box = inRow("input[type=checkbox]"); if (box) { box.click(); } },
    a: function () { var button = inRow("[data-approve]"); if (button) { button.click(); } }
  };

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) { return; }
    var action = actions[event.key];
    if (!action) { return; }
    event.preventDefault();
    if (current < 0) { select(0); return; }  // the first key only picks the first pair
    action();
  });

  rows.forEach(function (row, index) {
    row.addEventListener("focusin", function () {
      if (current >= 0 && current !== index) { rows[current].classList.remove("is-current"); }
      current = index;
      row.classList.add("is-current");
    });
  });

  // How many pairs the bulk approval would take, as boxes are ticked (the server says it again).
  var tally = document.querySelector("[data-selected-count]");
  function count() {
    var n = table.querySelectorAll("input[name=match_ids]:checked").length;
    var text = n === 0 ? tally.dataset.none : n === 1 ? tally.dataset.one : tally.dataset.many;
    tally.textContent = text.replace("{n}", String(n));
  }
  if (tally) {
    tally.hidden = false;
    count();
    table.addEventListener("change", count);
  }

  // Back from a decision, the address names the pair acted on: carry on from there.
  var hash = window.location.hash.replace(/^#why-/, "#pair-");
  var start = hash ? rows.indexOf(document.getElementById(hash.slice(1))) : -1;
  if (start >= 0) { select(start); }
})();
