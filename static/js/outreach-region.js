/* Region picker enhancement: choosing a kabupaten/kota or kecamatan loads the next step in place.
   Without this script the "Tampilkan pilihan wilayah" button does the same with a page reload. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-children-url]");
  if (!form || !window.fetch) return;
  document.documentElement.classList.add("js");
  var steps = ["wilayah_kab", "wilayah_kec", "wilayah_desa"];
  var selects = steps.map(function (name) { return form.querySelector('[data-region-step="' + name + '"]'); });
  if (selects.indexOf(null) !== -1) return;
  function reset(select) { while (select.options.length > 1) select.remove(1); }
  function fill(index, code) {
    for (var i = index; i < selects.length; i++) reset(selects[i]);
    if (!code || code.length === 2) return;
    var url = form.getAttribute("data-children-url").replace("/00/", "/" + code + "/");
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : { children: [] }; })
      .then(function (data) {
        data.children.forEach(function (c) { selects[index].add(new Option(c.name, c.code)); });
      });
  }
  selects[0].addEventListener("change", function () { fill(1, selects[0].value); });
  selects[1].addEventListener("change", function () { fill(2, selects[1].value); });
})();
