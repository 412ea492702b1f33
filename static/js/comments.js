/* Comment form, progressive enhancement only: everything works without this file.
   - the contact field and privacy notice show only when feedback is wanted;
   - a commenter under 14 gives no name or contact, so those fields are disabled. */
(function () {
  "use strict";
  var form = document.querySelector(".comment-form");
  if (!form) { return; }
  var feedback = form.querySelector("[data-feedback-toggle]");
  var details = form.querySelector("[data-feedback-details]");
  var minor = form.querySelector("[data-minor-toggle]");

  function hasError(node) {
    return node && node.querySelector(".field-error") !== null;
  }

  function sync() {
    var isMinor = minor && minor.checked;
    if (feedback) {
      feedback.disabled = isMinor;
      if (isMinor) { feedback.checked = false; }
    }
    ["commenter_name", "contact", "consent_publish_name", "consent_personal_info"].forEach(function (name) {
      var input = form.elements[name];
      if (input) { input.disabled = isMinor; }
    });
    if (details) {
      details.hidden = !(feedback && feedback.checked) && !hasError(details);
    }
  }

  if (feedback) { feedback.addEventListener("change", sync); }
  if (minor) { minor.addEventListener("change", sync); }
  sync();
}());
