// Staff workbench: "select all" for bulk actions (checkboxes tied to a form by their form attribute).
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (toggle) {
    var form = toggle.form;
    var name = toggle.getAttribute("data-select-all");
    toggle.addEventListener("change", function () {
      document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
        if (!form || box.form === form) { box.checked = toggle.checked; }
      });
    });
  });
})();
