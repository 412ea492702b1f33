/* Offline fast entry: every entry is first written to IndexedDB, shown as "待同步", then sent.

   - Each entry carries an idempotency key (a UUID made here): a retry after a lost answer returns the
     comment stored the first time, so each entry is stored exactly once.
   - Sending waits for a connection; it is retried when the browser comes back online, when the page
     gets the focus again, and every few seconds while something waits.
   - A refusal (draft closed, article unknown after a new version, a field error) stays in the queue with
     the server's message until the facilitator corrects it (修改) or discards it (放弃).
   - A session that ended (401) keeps the queue: the page asks to sign in (in another tab) and resumes.
   - Before each round a fresh CSRF token is fetched (the page's may predate a new sign-in).
   - The service worker (intake-sw.js) keeps a copy of the page and its assets for reloading offline.
   Used by intake.js on the entry page (not on the correction page). */
(function () {
  "use strict";

  var DB_NAME = "consult-intake";
  var STORE = "entries";
  var LOCK = "consult-intake-sync";
  var RETRY_MIN = 2000;
  var RETRY_MAX = 30000;
  var POLL = 10000;

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function request(idbRequest) {
    return new Promise(function (resolve, reject) {
      idbRequest.onsuccess = function () { resolve(idbRequest.result); };
      idbRequest.onerror = function () { reject(idbRequest.error); };
    });
  }

  var dbPromise = null;
  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var open = window.indexedDB.open(DB_NAME, 1);
        open.onupgradeneeded = function () {
          var store = open.result.createObjectStore(STORE, { keyPath: "key" });
          store.createIndex("meeting", "meeting");
        };
        open.onsuccess = function () { resolve(open.result); };
        open.onerror = function () { reject(open.error); };
      });
    }
    return dbPromise;
  }

  function withStore(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result;
        Promise.resolve(fn(tx.objectStore(STORE))).then(function (value) { result = value; }, reject);
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function withLock(fn) {
    if (navigator.locks && navigator.locks.request) { return navigator.locks.request(LOCK, fn); }
    return fn();
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function isLoginUrl(url) {
    try { return new URL(url).pathname.indexOf("/accounts/login") === 0; } catch (e) { return false; }
  }

  /* The queue for one meeting's entry page. options: form, statusBox, onEdit(entry, errors, formErrors),
     isPristine(), onSent(data). */
  window.ConsultEntryQueue = function (options) {
    var form = options.form;
    var section = document.getElementById("entry-queue-section");
    if (!window.indexedDB || !section) { return null; }
    var queueList = document.getElementById("entry-queue");
    var queueCount = document.getElementById("entry-queue-count");
    var syncStatus = document.getElementById("entry-sync-status");
    var signedOutBox = document.getElementById("entry-signed-out");
    var list = document.getElementById("entry-list");
    var count = document.getElementById("entry-count");
    var meeting = form.getAttribute("data-meeting-id");
    var userId = form.getAttribute("data-user-id");
    var postUrl = form.getAttribute("data-post-url");
    var tokenUrl = form.getAttribute("data-token-url");
    var msg = function (name) { return section.getAttribute("data-msg-" + name) || ""; };
    var running = null;
    var again = false;
    var retryDelay = RETRY_MIN;
    var retryTimer = null;
    var lastAdded = null;
    var editingKey = null;
    var editingVersion = null;

    function entries() {
      return withStore("readonly", function (store) {
        return request(store.index("meeting").getAll(meeting));
      }).then(function (all) {
        return all.sort(function (a, b) { return a.created - b.created; });
      });
    }

    function save(entry) { return withStore("readwrite", function (store) { return request(store.put(entry)); }); }

    function remove(key) { return withStore("readwrite", function (store) { return request(store["delete"](key)); }); }

    function labelOf(name) {
      var input = form.querySelector("[name=" + name + "]");
      var label = input && input.id ? form.querySelector("label[for=" + input.id + "]") : null;
      return label ? label.textContent.trim() : "";
    }

    function field(entry, name) {
      var pair = entry.fields.filter(function (p) { return p[0] === name; })[0];
      return pair ? pair[1] : "";
    }

    function render() {
      return entries().then(function (all) {
        queueList.textContent = "";
        all.forEach(function (entry) {
          var item = el("li", "entry-item queue-item is-" + entry.status);
          item.setAttribute("data-key", entry.key);
          var head = el("p", "entry-head");
          head.appendChild(el("strong", "", field(entry, "anchor")));
          head.appendChild(document.createTextNode(" "));
          var badge = entry.key === editingKey ? msg("editing") :
            entry.status === "conflict" ? msg("conflict") :
            entry.user !== userId ? msg("other-user") : msg("pending");
          head.appendChild(el("span", "badge queue-badge", badge));
          item.appendChild(head);
          item.appendChild(el("p", "entry-body", field(entry, "body")));
          if (entry.status === "conflict") {
            item.appendChild(el("p", "queue-message", entry.message));
            var actions = el("p", "queue-actions");
            var edit = el("button", "link queue-edit", msg("edit"));
            edit.type = "button";
            edit.addEventListener("click", function () { startEdit(entry); });
            var drop = el("button", "link queue-discard", msg("discard"));
            drop.type = "button";
            drop.addEventListener("click", function () { discard(entry); });
            actions.appendChild(edit);
            actions.appendChild(document.createTextNode(" · "));
            actions.appendChild(drop);
            item.appendChild(actions);
          }
          queueList.appendChild(item);
        });
        queueCount.textContent = String(all.length);
        section.hidden = all.length === 0;
        return all;
      });
    }

    function setStatus(text) { syncStatus.textContent = text; }

    function startEdit(entry) {
      editingKey = entry.key;
      editingVersion = entry.serverVersion || null;
      options.onEdit(entry, entry.errors || {}, entry.formErrors || []);
      render();
    }

    function discard(entry) {
      if (!window.confirm(msg("discard-confirm"))) { return; }
      if (editingKey === entry.key) { editingKey = null; editingVersion = null; }
      remove(entry.key).then(render);
    }

    function token() {
      return fetch(tokenUrl, {
        credentials: "same-origin", cache: "no-store",
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
      }).then(function (r) {
        if (r.status === 401 || (r.redirected && isLoginUrl(r.url))) { return { signedOut: true }; }
        if (!r.ok) { return { retry: true }; }
        return r.json();
      });
    }

    function showSignedOut(flag) {
      signedOutBox.hidden = !flag;
    }

    function sent(entry, data) {
      if (!document.getElementById("comment-" + data.id)) {
        list.insertAdjacentHTML("afterbegin", data.html);
      }
      count.textContent = String(data.count);
      if (options.onSent) { options.onSent(data); }
      return remove(entry.key);
    }

    function refuse(entry, data, status) {
      var errors = data.errors || {};
      var parts = (data.form_errors || []).slice();
      Object.keys(errors).forEach(function (name) {
        var label = labelOf(name);
        parts.push((label ? label + "：" : "") + errors[name].join(" "));
      });
      if (!parts.length) { parts.push(data.error || (msg("refused") + " (" + status + ")")); }
      entry.status = "conflict";
      entry.message = parts.join(" ");
      entry.errors = errors;
      entry.formErrors = data.form_errors || [];
      entry.serverVersion = data.version_id || null;  // re-saved after checking: against this version
      return save(entry).then(function () {
        // The entry just typed (not one waiting from earlier): back into the form, as before the queue.
        if (entry.key === lastAdded && Date.now() - entry.created < 30000 && options.isPristine()) {
          startEdit(entry);
        }
      });
    }

    function send(entry, csrf) {
      var body = new FormData();
      entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
      body.append("csrf_token", csrf);
      body.append("idempotency_key", entry.key);
      if (entry.version) { body.append("version_id", entry.version); }
      return fetch(postUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
      }).then(function (r) {
        if (r.status === 401 || (r.redirected && isLoginUrl(r.url))) { return "signed-out"; }
        var json = (r.headers.get("Content-Type") || "").indexOf("json") >= 0 ?
          r.json()["catch"](function () { return {}; }) : Promise.resolve({});
        return json.then(function (data) {
          if (r.ok && data.ok) { return sent(entry, data).then(function () { return "sent"; }); }
          if (r.status === 400 && !data.errors) { return { csrf: data }; }  // CSRF token refused
          if (r.status === 429 || r.status >= 500) { return "retry"; }
          return refuse(entry, data, r.status).then(function () { return "refused"; });
        });
      }, function () { return "offline"; });  // no connection, or the answer was lost: send again later
    }

    function round() {
      return entries().then(function (all) {
        var todo = all.filter(function (e) { return e.status === "pending" && e.user === userId; });
        if (!todo.length) { return "idle"; }
        return token().then(function (t) {
          if (t.signedOut) { return "signed-out"; }
          if (t.retry) { return "retry"; }
          if (String(t.user_id) !== userId) { return "idle"; }  // another account signed in: its entries wait
          var csrf = t.csrf_token;
          var renewed = false;
          var sentAny = false;
          function next(i) {
            if (i >= todo.length) { return sentAny ? "sent" : "idle"; }
            return send(todo[i], csrf).then(function (outcome) {
              if (outcome && outcome.csrf) {
                if (renewed) {
                  return refuse(todo[i], outcome.csrf, 400).then(function () { return next(i + 1); });
                }
                renewed = true;
                return token().then(function (fresh) {
                  if (fresh.signedOut) { return "signed-out"; }
                  csrf = fresh.csrf_token || csrf;
                  return next(i);
                });
              }
              if (outcome === "sent") { sentAny = true; }
              if (outcome === "sent" || outcome === "refused") { return render().then(function () { return next(i + 1); }); }
              return outcome;  // offline, retry, signed-out: stop this round, keep the rest queued
            });
          }
          return next(0);
        });
      }, function () { return "retry"; })["catch"](function () { return "offline"; });
    }

    function schedule(delay) {
      window.clearTimeout(retryTimer);
      retryTimer = window.setTimeout(sync, delay);
    }

    function finish(outcome) {
      running = null;
      showSignedOut(outcome === "signed-out");
      return render().then(function (all) {
        var waiting = all.filter(function (e) { return e.status === "pending"; }).length;
        if (outcome === "offline" || outcome === "retry") {
          setStatus(outcome === "offline" ? msg("offline") : msg("server-error"));
          schedule(retryDelay);
          retryDelay = Math.min(retryDelay * 2, RETRY_MAX);
        } else {
          retryDelay = RETRY_MIN;
          // (Signed out: the notice above the queue says what to do.)
          setStatus(outcome === "signed-out" || waiting ? "" : (all.length ? msg("check") : ""));
          if (outcome === "sent") { refreshCopy(); }
        }
        if (again) { again = false; return sync(); }
        return outcome;
      });
    }

    function sync() {
      if (running) { again = true; return running; }
      running = withLock(round).then(finish, function () { return finish("retry"); });
      return running;
    }

    function refreshCopy() {
      // The cached page lists the comments stored so far: refresh it after sending.
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "cache", pages: [window.location.pathname], assets: [] });
      }
    }

    function add(pairs) {
      var replacing = editingKey;
      var entry = { key: newKey(), meeting: meeting, user: userId, created: Date.now(), fields: pairs,
                    version: editingVersion || form.getAttribute("data-version-id"), status: "pending", message: "" };
      return withStore("readwrite", function (store) {
        store.put(entry);
        if (replacing) { store["delete"](replacing); }  // the corrected entry replaces the refused one
      }).then(function () {
        editingKey = null;
        editingVersion = null;
        lastAdded = entry.key;
        return render();
      }).then(function () {
        sync();
        return entry;
      });
    }

    function cancelEdit() {
      if (editingKey) { editingKey = null; editingVersion = null; render(); }
    }

    function registerWorker() {
      if (!navigator.serviceWorker) { return; }
      var swUrl = form.getAttribute("data-sw-url");
      var scope = form.getAttribute("data-sw-scope");
      navigator.serviceWorker.register(swUrl, { scope: scope }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function (registration) {
        var assets = [];
        Array.prototype.forEach.call(document.querySelectorAll("link[rel=stylesheet][href], script[src]"), function (node) {
          var url = new URL(node.getAttribute("href") || node.getAttribute("src"), window.location.href);
          if (url.origin === window.location.origin) { assets.push(url.pathname + url.search); }
        });
        registration.active.postMessage({ type: "cache", pages: [window.location.pathname], assets: assets });
      })["catch"](function () { /* no service worker (private mode, old browser): the queue still works */ });
    }

    function clearCopiesOnSignOut() {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-sign-out], form[action$='/accounts/logout']"), function (signOut) {
        signOut.addEventListener("submit", function (event) {
          if (!window.caches || signOut.getAttribute("data-cleared")) { return; }
          event.preventDefault();
          caches.keys().then(function (names) {
            return Promise.all(names.filter(function (n) { return n.indexOf("consult-intake-pages-") === 0; })
              .map(function (n) { return caches["delete"](n); }));
          })["catch"](function () {}).then(function () {
            signOut.setAttribute("data-cleared", "1");
            signOut.submit();
          });
        });
      });
    }

    window.addEventListener("online", function () { retryDelay = RETRY_MIN; sync(); });
    window.addEventListener("focus", function () { sync(); });
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { sync(); } });
    window.setInterval(function () { if (!section.hidden && !running) { sync(); } }, POLL);
    registerWorker();
    clearCopiesOnSignOut();
    render().then(sync);

    return { add: add, sync: sync, cancelEdit: cancelEdit, entries: entries };
  };
}());
