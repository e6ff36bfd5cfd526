// Posting a comment without leaving the page. Without this script the form
// posts normally and the server redirects back; with it, the comment appears
// (or the reader is told it awaits a moderator) in place.
(function () {
  "use strict";
  var form = document.getElementById("comment-form");
  if (!form || !window.fetch) { return; }
  var error = document.getElementById("comment-error");
  var status = document.getElementById("comment-status");
  var list = document.querySelector(".comment-list");
  var replyField = null;

  function show(element, text) {
    element.textContent = text;
    element.hidden = !text;
  }

  // "Reply" links fill in the reply target instead of reloading the page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-reply]") : null;
    if (!link) { return; }
    event.preventDefault();
    if (!replyField) {
      replyField = form.querySelector("input[name=reply_to]") || document.createElement("input");
      replyField.type = "hidden";
      replyField.name = "reply_to";
      form.appendChild(replyField);
    }
    replyField.value = link.getAttribute("data-reply");
    show(status, "Replying to " + link.getAttribute("data-name") + ".");
    form.querySelector("textarea").focus();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    show(error, "");
    fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)).toString(),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      button.disabled = false;
      if (!result.ok) {
        show(error, result.data.error || "The comment could not be posted.");
        return;
      }
      show(status, result.data.message);
      form.querySelector("textarea").value = "";
      if (result.data.html) {
        var holder = document.createElement("div");
        holder.innerHTML = result.data.html;
        var item = holder.firstElementChild;
        var parent = result.data.parent && document.getElementById("comment-" + result.data.parent);
        if (parent) {
          var replies = parent.querySelector(".comment-replies");
          if (!replies) {
            replies = document.createElement("ol");
            replies.className = "comment-replies";
            parent.appendChild(replies);
          }
          var reply = item.querySelector(".comment-reply");
          if (reply) { reply.remove(); }
          replies.appendChild(item);
        } else {
          list.appendChild(item);
        }
      }
      if (replyField) { replyField.value = ""; }
    }).catch(function () {
      button.disabled = false;
      show(error, "The comment could not be sent. Check your connection and try again.");
    });
  });
})();
