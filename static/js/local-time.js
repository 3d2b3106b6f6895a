// Times in the reader's own time zone, on every page (the site's and the admin's).
// 1. Tells the server the browser's IANA zone in the redress_tz cookie, so that the next pages
//    are rendered in it (core.middleware.ViewerTimezoneMiddleware).
// 2. Rewrites <time data-local-time datetime="..."> elements in that zone at once, so the first
//    page is right too. Without JavaScript the reader still sees an unambiguous, labelled time.
(function () {
  "use strict";
  var COOKIE = "redress_tz";

  function remember(zone) {
    // IANA names ("Asia/Shanghai", "America/Port-au-Prince") need no escaping in a cookie; the
    // server reads the value as it is and accepts only names of its zone database.
    if (!zone || !/^[A-Za-z0-9_+\-\/]+$/.test(zone) ||
        ("; " + document.cookie + ";").indexOf("; " + COOKIE + "=" + zone + ";") !== -1) {
      return;
    }
    document.cookie = COOKIE + "=" + zone +
      "; path=/; max-age=31536000; SameSite=Lax" +
      (window.location.protocol === "https:" ? "; Secure" : "");
  }

  function show() {
    var lang = document.documentElement.lang || undefined;
    var full, day;
    try {
      remember(Intl.DateTimeFormat().resolvedOptions().timeZone);
      full = new Intl.DateTimeFormat(lang, {
        year: "numeric", month: "short", day: "numeric",
        hour: "2-digit", minute: "2-digit", timeZoneName: "short"
      });
      day = new Intl.DateTimeFormat(lang, { year: "numeric", month: "short", day: "numeric" });
    } catch (e) {
      return;
    }
    var items = document.querySelectorAll("time[data-local-time]");
    for (var i = 0; i < items.length; i++) {
      var when = new Date(items[i].getAttribute("datetime"));
      if (!isNaN(when.getTime())) {
        var format = items[i].hasAttribute("data-date-only") ? day : full;
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
