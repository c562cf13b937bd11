// Annual report page: follows each generation in progress and reloads the page when it ends.
// Every element with data-report-status="<url>" shows the French label the server gives.
(function () {
  "use strict";
  var items = document.querySelectorAll("[data-report-status]");
  if (!items.length) {
    return;
  }
  function poll(item) {
    fetch(item.getAttribute("data-report-status"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          return;
        }
        var label = item.querySelector("[data-report-label]");
        var bar = item.querySelector("progress");
        if (label) {
          label.textContent = data.label;
        }
        if (bar) {
          bar.value = data.progress;
        }
        if (data.status === "done" || data.status === "failed") {
          window.location.reload();
          return;
        }
        window.setTimeout(function () { poll(item); }, 1500);
      })
      .catch(function () {
        window.setTimeout(function () { poll(item); }, 5000);
      });
  }
  items.forEach(function (item) {
    window.setTimeout(function () { poll(item); }, 1000);
  });
})();
