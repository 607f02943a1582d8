// The add-on's sign-in window closes itself once linked; Sheets then reloads the add-on (onClose RELOAD).
(function () {
  var button = document.getElementById("close-window");
  if (button) button.addEventListener("click", function () { window.close(); });
  window.setTimeout(function () { window.close(); }, 1500);
})();
