// Live preview for the content editor: the server renders the text with the same
// pipeline as the published page. Without JavaScript the Preview button does it.
// Debounced, and at most one request in flight: typing fast into a long module
// must not queue a render per keystroke on the server.
(function () {
  "use strict";
  var form = document.getElementById("editor-form");
  var pane = document.getElementById("preview-pane");
  if (!form || !pane || !window.fetch || !window.FormData) { return; }
  var timer = null;
  var busy = false;
  var again = false;
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(form.getAttribute("data-preview"), {
      method: "POST", body: new FormData(form), credentials: "same-origin"
    }).then(function (response) { return response.text(); })
      .then(function (html) { pane.innerHTML = html; })  // sanitised by the server
      .catch(function () { /* keep the last preview; the button still works */ })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }
  form.querySelector("textarea").addEventListener("input", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(refresh, 600);
  });
}());
