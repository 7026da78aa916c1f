// Progressive enhancement only: every page works without this file.

// The header's menus (<details>) close on a click elsewhere or on Escape.
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("header.site details[open]")) {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const menu of document.querySelectorAll("header.site details[open]")) {
    menu.removeAttribute("open");
    menu.querySelector("summary").focus();
  }
});
