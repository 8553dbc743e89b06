// cleanpipe audit report: filters by stage and rule, and n/p to walk the removals.
// Plain DOM, no libraries. The page works without it; only the filters need it.
(function () {
  "use strict";
  var marks = Array.prototype.slice.call(document.querySelectorAll("mark[data-r]"));
  var rules = Array.prototype.slice.call(document.querySelectorAll("input[data-rule]"));
  var stages = Array.prototype.slice.call(document.querySelectorAll("input[data-stage]"));
  var current = -1;

  function apply() {
    var hidden = {};
    rules.forEach(function (box) { if (!box.checked) { hidden[box.dataset.rule] = true; } });
    marks.forEach(function (m) { m.classList.toggle("off", !!hidden[m.dataset.r]); });
    document.querySelectorAll("#removals tr[data-r]").forEach(function (row) {
      row.hidden = !!hidden[row.dataset.r];
    });
    stages.forEach(function (box) {
      var mine = rules.filter(function (r) { return r.dataset.of === box.dataset.stage; });
      var on = mine.filter(function (r) { return r.checked; }).length;
      box.checked = on > 0;
      box.indeterminate = on > 0 && on < mine.length;
    });
  }

  function visible() {
    return marks.filter(function (m) { return !m.classList.contains("off"); });
  }

  function go(step) {
    var shown = visible();
    if (!shown.length) { return; }
    current = (current + step + shown.length) % shown.length;
    marks.forEach(function (m) { m.classList.remove("cur"); });
    shown[current].classList.add("cur");
    shown[current].scrollIntoView({ block: "center" });
  }

  stages.forEach(function (box) {
    box.addEventListener("change", function () {
      rules.forEach(function (r) { if (r.dataset.of === box.dataset.stage) { r.checked = box.checked; } });
      apply();
    });
  });
  rules.forEach(function (box) { box.addEventListener("change", apply); });
  document.addEventListener("keydown", function (event) {
    var tag = event.target && event.target.tagName;
    if (tag === "INPUT" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "n") { go(1); } else if (event.key === "p") { go(-1); }
  });

  // "#only=<rule>" (links from a rule's list and the rule navigation): show that rule alone,
  // and bring its first removal into view.
  var only = /^#only=(\d+)$/.exec(window.location.hash);
  if (only) {
    rules.forEach(function (r) { r.checked = r.dataset.rule === only[1]; });
    apply();
    go(1);
  }
  document.documentElement.classList.add("js");
})();
