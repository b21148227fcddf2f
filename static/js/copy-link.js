// Adds a "copy link" button next to read-only link fields; without JavaScript the field itself
// can still be selected and copied.
(function () {
  "use strict";
  var script = document.currentScript;
  var label = script.getAttribute("data-copy-label");
  var done = script.getAttribute("data-copied-label");
  document.querySelectorAll("[data-copy-source]").forEach(function (input) {
    var button = document.createElement("button");
    var status = document.createElement("span");
    button.type = "button";
    button.className = "button-secondary copy-button";
    button.textContent = label;
    status.setAttribute("role", "status");
    status.className = "copy-status";
    button.addEventListener("click", function () {
      input.select();
      var copied = navigator.clipboard
        ? navigator.clipboard.writeText(input.value)
        : Promise.resolve(document.execCommand("copy"));
      copied.then(function () { status.textContent = done; }, function () { input.focus(); });
    });
    input.insertAdjacentElement("afterend", status);
    input.insertAdjacentElement("afterend", button);
  });
})();
