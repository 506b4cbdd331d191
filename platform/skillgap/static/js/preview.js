// Live preview for the content editor: the server renders the text with the same
// pipeline as the published page. Without JavaScript the Preview button does it.
(function () {
  "use strict";
  var form = document.getElementById("editor-form");
  var pane = document.getElementById("preview-pane");
  if (!form || !pane || !window.fetch || !window.FormData) { return; }
  var timer = null;
  function refresh() {
    fetch(form.getAttribute("data-preview"), {
      method: "POST", body: new FormData(form), credentials: "same-origin"
    }).then(function (response) { return response.text(); })
      .then(function (html) { pane.innerHTML = html; })  // sanitised by the server
      .catch(function () { /* keep the last preview; the button still works */ });
  }
  form.querySelector("textarea").addEventListener("input", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(refresh, 400);
  });
}());
