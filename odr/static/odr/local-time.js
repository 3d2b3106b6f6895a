// Shows the case pages' times in the reader's own time zone. The server writes them in the
// site's zone, labelled; this only rewrites <time data-local-time datetime="..."> elements.
(function () {
  "use strict";
  function show() {
    var lang = document.documentElement.lang || undefined;
    var format;
    try {
      format = new Intl.DateTimeFormat(lang, {
        year: "numeric", month: "short", day: "numeric",
        hour: "2-digit", minute: "2-digit", timeZoneName: "short"
      });
    } catch (e) {
      return;
    }
    var items = document.querySelectorAll("time[data-local-time]");
    for (var i = 0; i < items.length; i++) {
      var when = new Date(items[i].getAttribute("datetime"));
      if (!isNaN(when.getTime())) {
        items[i].setAttribute("title", items[i].textContent);
        items[i].textContent = format.format(when);
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", show);
  } else {
    show();
  }
})();
