// The language switcher changes the language as soon as one is picked. Without JavaScript the
// form's own button does it.
(function () {
  "use strict";
  var select = document.getElementById("language-select");
  if (!select || !select.form) {
    return;
  }
  select.form.classList.add("switches-on-change");
  select.addEventListener("change", function () {
    select.form.submit();
  });
})();
