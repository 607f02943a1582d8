// The browser's time zone, for the dashboard's times (web/viewer_time.py): kept in the "tz" cookie.
// A user's own setting (Your settings) wins over it. The page reloads once when the zone first becomes
// known, so times are shown in it at once.
(function () {
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone) return;
  var current = document.cookie.split("; ").filter(function (c) { return c.indexOf("tz=") === 0; })[0];
  var known = current ? decodeURIComponent(current.slice(3)) : "";
  if (known === zone) return;
  document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
  if (!known && zone !== "UTC" && document.querySelector("time[data-zone='browser']")) {
    window.location.reload();
  }
})();
