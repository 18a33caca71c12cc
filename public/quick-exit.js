// Progressive enhancement of "Leave this site quickly" (the button works without this): Shift
// pressed three times within 5 seconds also exits, as in GOV.UK's "Exit this page". The page is
// hidden at once, so nothing stays on screen while the server answers. ADR 064.
(function () {
  var form = document.getElementById("quick-exit");
  if (!form) return;
  var presses = 0,
    timer;
  function leave() {
    document.documentElement.hidden = true;
    try {
      form.submit();
    } catch (e) {
      location.replace(form.action);
    }
  }
  form.addEventListener("submit", function () {
    document.documentElement.hidden = true;
  });
  document.addEventListener(
    "keyup",
    function (e) {
      if (e.key !== "Shift") {
        presses = 0;
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(function () {
        presses = 0;
      }, 5000);
      if (++presses >= 3) {
        presses = 0;
        leave();
      }
    },
    true,
  );
  // Back to a page a browser kept in its back/forward cache: ask the server again, which has forgotten the session.
  addEventListener("pageshow", function (e) {
    if (e.persisted) location.reload();
  });
})();
