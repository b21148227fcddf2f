/* The report form keeps what was typed in the browser's storage until the server has confirmed
   the report, so a dropped connection loses nothing. The draft carries the form's idempotency
   key: sending it again after a lost answer gives the same incident, never a second one. The
   server confirms by setting the cookie "insiden_confirmed" to the key it recorded; any page
   that sees it drops the draft. Without this script the form works as a plain form. */
(function () {
  "use strict";
  var STORE = "insiden-draft";
  var storage;
  try { storage = window.localStorage; storage.getItem(STORE); } catch (e) { return; }

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }
  function load() {
    try { return JSON.parse(storage.getItem(STORE) || "null"); } catch (e) { return null; }
  }

  var confirmed = cookie("insiden_confirmed");
  var draft = load();
  if (confirmed && draft && draft.key === confirmed) {
    storage.removeItem(STORE);
    draft = null;
  }
  if (confirmed) document.cookie = "insiden_confirmed=; Max-Age=0; path=/; SameSite=Lax";

  var form = document.querySelector("form[data-draft-key]");
  if (!form) return;
  var status = document.getElementById("draft-status");
  var keyField = form.querySelector("input[name=key]");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.type !== "submit" && el.type !== "button" &&
        el.name !== "csrfmiddlewaretoken";
    });
  }
  function save() {
    var values = {};
    fields().forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) values[el.name] = el.value;
      } else {
        values[el.name] = el.value;
      }
    });
    storage.setItem(STORE, JSON.stringify({ key: values.key, values: values }));
  }
  function restore(saved) {
    fields().forEach(function (el) {
      if (!(el.name in saved.values)) return;
      var value = saved.values[el.name];
      if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === value;
      else if (el.tagName === "SELECT") {
        if (Array.prototype.some.call(el.options, function (o) { return o.value === value; })) el.value = value;
      } else el.value = value;
    });
  }

  // A form the server sent back (a region step, an error) is fresher than the draft.
  if (draft && draft.values && keyField && draft.key !== keyField.value && !form.dataset.bound) {
    restore(draft);
    if (status) status.textContent = form.dataset.restoredText || "";
    // The region picker loads the districts of the restored regency (its script listens).
    var regency = form.querySelector('[data-region-step="wilayah_kab"]');
    if (regency && regency.value) regency.dispatchEvent(new Event("change"));
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", save);
})();
