/* Service worker for the facilitator's entry pages (served at /intake/sw.js, scope /intake/).

   The entry page, its stylesheets and scripts and the article previews it asked for are answered from the
   network when there is one (and copied into the cache), from the cache when there is none, so the page
   reloads offline. Entries themselves are queued by offline-entry.js in IndexedDB, never here: POSTs pass
   straight through. Signing out on an entry page removes the cached pages (offline-entry.js). */
"use strict";

var VERSION = "v1";
var PAGES = "consult-intake-pages-" + VERSION;
var ASSETS = "consult-intake-assets-" + VERSION;
var KEEP = [PAGES, ASSETS];

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("consult-intake-") === 0 && KEEP.indexOf(name) < 0;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function isEntryPage(url) { return /^\/intake\/meetings\/\d+$/.test(url.pathname); }
function isAsset(url) { return url.pathname.indexOf("/static/") === 0; }
function isPreview(url) { return url.pathname === "/intake/resolve"; }

function networkFirst(request, cacheName) {
  return fetch(request).then(function (response) {
    // Only a real answer is kept: never the login page a redirect led to, never an error.
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(cacheName).then(function (cache) { return cache.put(request, copy); });
    } else if (response.type === "opaqueredirect" || response.redirected) {
      // Sent to the login page (signed out elsewhere): forget the copy, it lists residents' comments.
      caches.open(cacheName).then(function (cache) { return cache["delete"](request, { ignoreVary: true }); });
    }
    return response;
  }, function (error) {
    return caches.open(cacheName).then(function (cache) {
      return cache.match(request, { ignoreVary: true });
    }).then(function (cached) {
      if (cached) { return cached; }
      throw error;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method !== "GET") { return; }
  if (isEntryPage(url) || isPreview(url)) {
    event.respondWith(networkFirst(request, PAGES));
  } else if (isAsset(url)) {
    event.respondWith(networkFirst(request, ASSETS));
  }
});

self.addEventListener("message", function (event) {
  // The page asks for a copy of itself and its assets right after the first load (before we controlled it).
  var data = event.data || {};
  if (data.type !== "cache") { return; }
  event.waitUntil(Promise.all([
    caches.open(PAGES).then(function (cache) {
      return Promise.all((data.pages || []).map(function (path) {
        return fetch(path, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) { return cache.put(path, response); }
          return null;
        });
      }));
    }),
    caches.open(ASSETS).then(function (cache) { return cache.addAll(data.assets || []); })
  ]).catch(function () { /* offline right now: the next online load fills the cache */ }));
});
