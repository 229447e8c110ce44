// rxevidence: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (el) {
    el.addEventListener("click", function (ev) {
      if (!navigator.clipboard) { return; }
      ev.preventDefault();
      navigator.clipboard.writeText(el.getAttribute("data-copy")).then(function () {
        var old = el.textContent;
        el.textContent = "Link copied";
        el.setAttribute("aria-live", "polite");
        setTimeout(function () { el.textContent = old; }, 2000);
      }, function () { window.location.href = el.getAttribute("href"); });
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.hidden = false;
    el.addEventListener("click", function () { window.print(); });
  });
})();
