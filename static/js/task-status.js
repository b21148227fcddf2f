// Task page: send the status update without leaving the page. The server answers with the parts
// of the page that changed (status, form, history); without this script the form posts normally.
(function () {
  "use strict";

  var announcer = document.getElementById("task-announce");

  function announce(text) {
    if (!announcer || !text) return;
    announcer.textContent = "";
    // A fresh text node after a tick is announced even when the words repeat.
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function swap(fragment, id) {
    var fresh = fragment.querySelector("#" + id);
    var current = document.getElementById(id);
    if (fresh && current) current.replaceWith(fresh);
    return fresh;
  }

  function bind(form) {
    if (!form || !window.fetch || !window.FormData) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      announce(form.dataset.sending);
      fetch(form.dataset.fragmentUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        if (response.status !== 200 && response.status !== 400) throw new Error(response.status);
        return response.text();
      }).then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html;
        var root = holder.content.firstElementChild;
        swap(holder.content, "task-status");
        swap(holder.content, "task-history");
        var section = swap(holder.content, "perbarui");
        bind(section && section.querySelector("form"));
        if (root && root.dataset.outcome === "saved") {
          var status = document.getElementById("task-status");
          if (status) status.focus();
        } else {
          var invalid = document.querySelector("#perbarui .field-error input, #perbarui .field-error textarea, #perbarui .field-error select");
          if (invalid) invalid.focus();
        }
        announce(root && root.dataset.announce);
      }).catch(function () {
        // Keep what was typed; the person can try again or the page's own POST still works.
        if (button) button.disabled = false;
        announce(form.dataset.failed);
      });
    });
  }

  bind(document.querySelector("#perbarui form[data-fragment-url]"));
})();
