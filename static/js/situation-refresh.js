/* The situation room and the wall view refresh themselves every few seconds with a conditional
   request: an unchanged situation answers 304 (nothing to redraw); a changed one sends the page,
   whose #situation part replaces the current one. Without this script the page has a refresh
   link and is complete. */
(function () {
  "use strict";
  var root = document.getElementById("situation");
  if (!root || !window.fetch || !window.DOMParser) return;
  var seconds = parseInt(root.dataset.refresh, 10) || 20;
  var etag = root.dataset.etag || "";

  function tick() {
    if (document.hidden) return;
    var headers = {};
    if (etag) headers["If-None-Match"] = etag;
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (response) {
        if (response.status !== 200) return null;
        etag = response.headers.get("ETag") || "";
        return response.text();
      })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("situation");
        var current = document.getElementById("situation");
        if (fresh && current) {
          current.replaceWith(fresh);
          root = fresh;
        }
      })
      .catch(function () { /* offline for a moment: the next tick tries again */ });
  }
  window.setInterval(tick, seconds * 1000);
})();
