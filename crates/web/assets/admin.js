// The newsroom editor's enhancements; every page works without them.
// - Live preview: the body is rendered by the server (the same code readers
//   get) while the writer types.
// - Ctrl+S / Cmd+S saves the article.
// - Leaving the page with unsaved changes asks first.
(function () {
  "use strict";
  var csrf = document.body.getAttribute("data-csrf") || "";
  var form = document.getElementById("editor-form");
  var body = document.getElementById("body_source");
  var preview = document.getElementById("preview");
  if (!form || !body || !preview) { return; }
  var timer = null;
  var dirty = false;
  function refresh() {
    var data = new URLSearchParams();
    data.set("body_source", body.value);
    fetch("/admin/preview", {
      method: "POST",
      headers: { "X-CSRF-Token": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: data.toString(),
      credentials: "same-origin"
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html !== null) { preview.innerHTML = html; }
    }).catch(function () { /* the saved preview stays */ });
  }
  body.addEventListener("input", function () {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  // "Use as pull quote": the quotation goes into the body as a pull-quote block at the cursor.
  document.querySelectorAll(".use-pull-quote").forEach(function (button) {
    button.addEventListener("click", function () {
      var block = "\n\n" + button.getAttribute("data-block") + "\n\n";
      var at = body.selectionStart || body.value.length;
      body.value = body.value.slice(0, at) + block + body.value.slice(at);
      body.focus();
      dirty = true;
      refresh();
    });
  });
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      event.preventDefault();
      dirty = false;
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }
  });
})();
