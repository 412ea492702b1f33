/* Fast comment entry (intake): resolve the typed article before saving, save with Enter, stay on the keyboard.
   On the entry page every entry goes through the offline queue (offline-entry.js): it is kept in the browser
   and sent when there is a connection. Works without these scripts too: the form then posts normally and
   the page comes back (PRG). */
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) { return; }
  var anchor = form.querySelector("[name=anchor]");
  var body = form.querySelector("[name=body]");
  var resolved = document.getElementById("anchor-resolved");
  var statusBox = document.getElementById("entry-status");
  var list = document.getElementById("entry-list");
  var count = document.getElementById("entry-count");
  var editing = form.getAttribute("data-mode") === "edit";
  var timer = null;
  var lastAsked = null;
  var saving = false;
  var queue = null;

  function show(label, text, isError) {
    resolved.textContent = "";
    resolved.classList.toggle("is-error", !!isError);
    if (label) {
      var strong = document.createElement("strong");
      strong.textContent = label;
      resolved.appendChild(strong);
    }
    if (text) { resolved.appendChild(document.createTextNode((label ? "\n" : "") + text)); }
  }

  function resolveNow() {
    var value = anchor.value.trim();
    if (value === lastAsked) { return; }
    lastAsked = value;
    if (!value) { show("", "", false); return; }
    var url = form.getAttribute("data-resolve-url") + "?draft_id=" +
      encodeURIComponent(form.getAttribute("data-draft-id")) + "&anchor=" + encodeURIComponent(value);
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (anchor.value.trim() !== value) { return; }  // the user typed on meanwhile
        if (data.ok) { show(data.label, data.text, false); } else { show("", data.error, true); }
      })
      .catch(function () {
        lastAsked = null;
        if (anchor.value.trim() === value) { show("", form.getAttribute("data-msg-preview-offline") || "", false); }
      });
  }

  function setError(name, messages) {
    var input = form.querySelector("[name=" + name + "]");
    var box = document.getElementById((input ? input.id : name) + "-error");
    if (input) {
      if (messages) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    }
    if (box) { box.textContent = messages ? messages.join(" ") : ""; box.hidden = !messages; }
  }

  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) {
      setError(el.name, null);
    });
  }

  function clearFields() {
    // Not form.reset(): after a server-side error page the "defaults" are the refused values.
    Array.prototype.forEach.call(form.querySelectorAll("input[type=text], textarea, select"), function (el) {
      if (el.tagName === "SELECT") { el.selectedIndex = 0; } else { el.value = ""; }
    });
    Array.prototype.forEach.call(form.querySelectorAll("input[type=checkbox]"), function (el) { el.checked = false; });
    clearErrors();
  }

  function pairs() {
    var result = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.disabled) { return; }
      if (el.type === "checkbox") {
        if (el.checked) { result.push([el.name, el.value || "y"]); }
      } else if (el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.type === "text") {
        result.push([el.name, el.value]);
      }
    });
    return result;
  }

  function missing() {
    // The fields the server requires, checked here so an entry typed offline is complete before it waits.
    var errors = {};
    if (!anchor.value.trim()) { errors.anchor = [form.getAttribute("data-msg-anchor-required")]; }
    if (!body.value.trim()) { errors.body = [form.getAttribute("data-msg-body-required")]; }
    return errors;
  }

  function showErrors(errors, formErrors) {
    var first = null;
    Object.keys(errors || {}).forEach(function (name) {
      setError(name, errors[name]);
      first = first || form.querySelector("[name=" + name + "]");
    });
    statusBox.textContent = (formErrors || []).join(" ") || form.getAttribute("data-msg-invalid");
    (first || anchor).focus();
  }

  function queueSave() {
    clearErrors();
    var errors = missing();
    if (Object.keys(errors).length) { showErrors(errors, []); return; }
    saving = true;
    queue.add(pairs()).then(function () {
      saving = false;
      clearFields();
      lastAsked = null;
      show("", "", false);
      statusBox.textContent = form.getAttribute("data-msg-queued");
      anchor.focus();
    }, function () {
      saving = false;
      form.submit();  // no IndexedDB after all (storage refused): an ordinary post
    });
  }

  function editEntry(entry, errors, formErrors) {
    // A refused entry back in the form: its values, the server's messages beside the fields.
    clearFields();
    entry.fields.forEach(function (pair) {
      var el = form.querySelector("[name=" + pair[0] + "]");
      if (!el) { return; }
      if (el.type === "checkbox") { el.checked = true; } else { el.value = pair[1]; }
    });
    lastAsked = null;
    resolveNow();
    showErrors(errors, formErrors);
  }

  function pristine() {
    return !anchor.value.trim() && !body.value.trim();
  }

  function save() {
    if (saving) { return; }
    if (editing) { form.submit(); return; }
    if (queue) { queueSave(); return; }
    saving = true;
    clearErrors();
    fetch(window.location.pathname, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (r) {
      return r.json().then(function (data) { return data; });
    }).then(function (data) {
      saving = false;
      if (data.ok) {
        list.insertAdjacentHTML("afterbegin", data.html);
        count.textContent = String(data.count);
        clearFields();
        lastAsked = null;
        show("", "", false);
        statusBox.textContent = form.getAttribute("data-msg-saved") + data.label;
        anchor.focus();
        return;
      }
      var first = null;
      Object.keys(data.errors || {}).forEach(function (name) {
        setError(name, data.errors[name]);
        first = first || form.querySelector("[name=" + name + "]");
      });
      statusBox.textContent = (data.form_errors || []).join(" ") || form.getAttribute("data-msg-invalid");
      (first || anchor).focus();
    }).catch(function () {
      saving = false;
      form.submit();  // network or session trouble: fall back to an ordinary post
    });
  }

  anchor.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(resolveNow, 200);
  });
  anchor.addEventListener("blur", resolveNow);
  anchor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.isComposing && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      resolveNow();
      body.focus();
    }
  });
  body.addEventListener("keydown", function (event) {
    // keyCode 229: an input method (pinyin) is still composing; its Enter is not ours.
    if (event.key !== "Enter" || event.isComposing || event.keyCode === 229 || event.shiftKey) { return; }
    event.preventDefault();
    save();
  });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.isComposing) {
      event.preventDefault();
      save();
    }
  });
  form.addEventListener("submit", function (event) {
    if (editing) { return; }
    event.preventDefault();
    save();
  });
  if (!editing && window.ConsultEntryQueue) {
    queue = window.ConsultEntryQueue({
      form: form, onEdit: editEntry, isPristine: pristine,
      onSent: function (data) { statusBox.textContent = form.getAttribute("data-msg-saved") + data.label; }
    });
  }
  if (anchor.value.trim()) { resolveNow(); }
}());
