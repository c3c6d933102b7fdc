// Progressive enhancement only: every page works without this file.
// 1. Copy the private link.  2. Show and hide questions live (show_if).
// 3. A "none of these" choice clears the others, and the other way round.
(function () {
  "use strict";

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy"));
      field.select();
      var done = function () { button.textContent = button.getAttribute("data-done"); };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });

  var form = document.querySelector("form.survey");
  if (!form) return;
  var contextNode = document.getElementById("survey-context");
  var context = contextNode ? JSON.parse(contextNode.textContent || "{}") : {};
  var questions = Array.prototype.slice.call(form.querySelectorAll("[data-question]"));

  function valueOf(id) {
    var wrapper = document.getElementById("q-" + id);
    if (!wrapper) return context.hasOwnProperty(id) ? context[id] : null;
    if (wrapper.hidden) return null;
    var type = wrapper.getAttribute("data-type");
    var inputs = wrapper.querySelectorAll('[name="' + id + '"]');
    if (type === "multiple_choice") {
      var chosen = [];
      inputs.forEach(function (i) { if (i.checked) chosen.push(i.value); });
      return chosen.length ? chosen : null;
    }
    var value = null;
    inputs.forEach(function (i) {
      if ((i.type === "radio" || i.type === "checkbox")) { if (i.checked) value = i.value; }
      else if (i.value.trim() !== "") value = i.value.trim();
    });
    if (value !== null && (type === "scale" || type === "number")) {
      var n = Number(value.replace(/,/g, ""));
      return isNaN(n) ? null : n;
    }
    return value;
  }

  function holds(c) {
    if (c.all) return c.all.every(holds);
    if (c.any) return c.any.some(holds);
    if (c.not) return !holds(c.not);
    var v = valueOf(c.q);
    var answered = v !== null && v !== "";
    if (c.t === "answered") return answered === c.v;
    if (!answered) return false;
    if (c.t === "equals") return v === c.v;
    if (c.t === "in") return c.v.indexOf(v) >= 0;
    if (c.t === "contains") return Array.isArray(v) && v.indexOf(c.v) >= 0;
    if (typeof v !== "number") return false;
    return c.t === "gte" ? v >= c.v : v <= c.v;
  }

  function refresh() {
    questions.forEach(function (wrapper) {
      var rule = wrapper.getAttribute("data-show-if");
      if (rule) wrapper.hidden = !holds(JSON.parse(rule));
    });
    var shown = questions.filter(function (w) { return !w.hidden; }).map(function (w) { return w.getAttribute("data-question"); });
    form.querySelector('input[name="shown"]').value = shown.join(" ");
  }

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type === "checkbox" && box.checked) {
      var group = form.querySelectorAll('input[type="checkbox"][name="' + box.name + '"]');
      group.forEach(function (other) {
        if (other !== box && (box.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive"))) other.checked = false;
      });
    }
    refresh();
  });
  form.addEventListener("input", refresh);
})();
