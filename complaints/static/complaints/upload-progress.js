// Evidence uploads with a progress bar and a result per file (progressive enhancement: without
// this script the form posts as usual). Each chosen file is sent on its own, asking for a JSON
// answer (complaints.views._evidence_json); once every file is done, the rest of the form (a
// statement, the listing, "Save and continue") is submitted the ordinary way, or the page is
// reloaded to show the evidence list.
(function () {
  "use strict";

  function send(form, file, row) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      data.append("files", file, file.name);
      data.append("action", "add");
      var request = new XMLHttpRequest();
      var bar = row.querySelector("progress");
      var status = row.querySelector(".upload-status");
      // Not form.action: the buttons named "action" shadow that property.
      request.open("POST", form.getAttribute("action") || window.location.href);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          bar.value = Math.round((event.loaded / event.total) * 100);
        }
      });
      request.addEventListener("load", function () {
        var answer = null;
        try {
          answer = JSON.parse(request.responseText);
        } catch (error) {
          answer = null;
        }
        bar.value = 100;
        if (answer && request.status === 200) {
          row.classList.add("upload-done");
          status.textContent = form.dataset.msgAdded;
          resolve(true);
        } else {
          row.classList.add("upload-refused");
          status.textContent =
            answer && answer.refused && answer.refused.length
              ? answer.refused.join(" ")
              : form.dataset.msgFailed;
          resolve(false);
        }
      });
      request.addEventListener("error", function () {
        row.classList.add("upload-refused");
        status.textContent = form.dataset.msgFailed;
        resolve(false);
      });
      request.send(data);
    });
  }

  function hasText(form) {
    return Array.prototype.some.call(
      form.querySelectorAll("textarea, input[type=url]"),
      function (field) {
        return field.value.trim() !== "";
      }
    );
  }

  function enhance(form) {
    var input = form.querySelector("input[type=file]");
    if (!input || !window.FormData || !window.XMLHttpRequest) {
      return;
    }
    var list = document.createElement("ul");
    list.className = "upload-results";
    list.setAttribute("aria-live", "polite");
    input.parentNode.appendChild(list);
    form.addEventListener("submit", function (event) {
      if (!input.files.length) {
        return; // nothing to upload: the ordinary submission
      }
      event.preventDefault();
      var submitter = event.submitter;
      var files = Array.prototype.slice.call(input.files);
      list.textContent = "";
      var sending = files.reduce(function (previous, file) {
        var row = document.createElement("li");
        var name = document.createElement("span");
        name.className = "upload-name";
        name.textContent = file.name;
        var bar = document.createElement("progress");
        bar.max = 100;
        bar.value = 0;
        var status = document.createElement("span");
        status.className = "upload-status";
        status.textContent = form.dataset.msgUploading;
        row.appendChild(name);
        row.appendChild(bar);
        row.appendChild(status);
        list.appendChild(row);
        return previous.then(function (allKept) {
          return send(form, file, row).then(function (kept) {
            return allKept && kept;
          });
        });
      }, Promise.resolve(true));
      sending.then(function (allKept) {
        input.value = "";
        var continuing = submitter && submitter.value === "continue";
        if (hasText(form) || (continuing && allKept)) {
          if (submitter && submitter.name) {
            var hidden = document.createElement("input");
            hidden.type = "hidden";
            hidden.name = submitter.name;
            hidden.value = submitter.value;
            form.appendChild(hidden);
          }
          form.submit();
        } else if (allKept) {
          window.location.reload();
        }
        // Otherwise the refusals stay on the page, each beside its file.
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-upload-progress]"), enhance);
  });
})();
