// The console works without JavaScript; this file only adds conveniences.
// Kept as a file (never inline) so the Content-Security-Policy allows no inline script.
"use strict";
document.addEventListener("keydown", (event) => {
  // "/" jumps to the inbox search box, as in many mail clients
  if (event.key !== "/" || event.target.closest("input, textarea, select")) return;
  const box = document.getElementById("id_q");
  if (box) { event.preventDefault(); box.focus(); }
});
