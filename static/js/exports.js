/* Export job page: poll the job's JSON status and show progress, then the download link. */
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  function label(status) { return box.getAttribute("data-label-" + status); }
  var bar = box.querySelector("[data-progress]");
  var text = box.querySelector("[data-progress-text]");
  var state = box.querySelector("[data-state-label]");
  var download = box.querySelector("[data-download]");
  var error = box.querySelector("[data-error]");

  function show(job) {
    if (bar) {
      bar.max = job.total || 1;
      bar.value = job.total ? job.progress : (job.status === "done" ? 1 : 0);
    }
    if (text) { text.textContent = job.progress + " / " + job.total; }
    if (state && label(job.status)) { state.textContent = label(job.status); }
    if (job.status === "done" && download) {
      download.classList.remove("is-hidden");
      var link = download.querySelector("a");
      if (link && job.download_url) { link.href = job.download_url; link.focus(); }
    }
    if ((job.status === "failed" || job.status === "expired" || job.status === "purged") && error) {
      error.textContent = job.error || "";
      error.classList.remove("is-hidden");
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        show(job);
        if (job.status === "queued" || job.status === "running") { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  var initial = box.getAttribute("data-status");
  if (initial === "queued" || initial === "running") { window.setTimeout(poll, 800); }
}());
