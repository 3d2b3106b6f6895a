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

  // The same pattern as the server's date formats (config/formats/): one way of writing a
  // date per language, whether the server or this script wrote it.
  var PATTERNS = {
    en: { day: "{month} {day}, {year}", full: "{date}, {hour}:{minute} {dayPeriod} {zone}",
          hour12: true, month: "short" },
    zh: { day: "{year}年{month}月{day}日", full: "{date} {hour}:{minute} {zone}",
          hour12: false, month: "numeric" }
  };

  function fill(template, parts) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return parts[name] || ""; });
  }

  function writer(lang) {
    var pattern = PATTERNS[(lang || "en").toLowerCase().indexOf("zh") === 0 ? "zh" : "en"];
    var intl = new Intl.DateTimeFormat(lang, {
      year: "numeric", month: pattern.month, day: "numeric", hour: "2-digit",
      minute: "2-digit", hourCycle: pattern.hour12 ? "h12" : "h23", timeZoneName: "short"
    });
    return function (when, dateOnly) {
      var parts = {};
      intl.formatToParts(when).forEach(function (part) { parts[part.type] = part.value; });
      parts.zone = parts.timeZoneName;
      parts.date = fill(pattern.day, parts);
      return (fill(dateOnly ? pattern.day : pattern.full, parts)).trim();
    };
  }

  function show() {
    var lang = document.documentElement.lang || "en";
    var write;
    try {
      remember(Intl.DateTimeFormat().resolvedOptions().timeZone);
      write = writer(lang);
    } catch (e) {
      return;
    }
    var items = document.querySelectorAll("time[data-local-time]");
    for (var i = 0; i < items.length; i++) {
      var when = new Date(items[i].getAttribute("datetime"));
      if (!isNaN(when.getTime())) {
        items[i].setAttribute("title", items[i].textContent);
        items[i].textContent = write(when, items[i].hasAttribute("data-date-only"));
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", show);
  } else {
    show();
  }
})();
