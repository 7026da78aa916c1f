// The stance matrix, enhanced: the chosen cell is marked, its panel is a bottom
// sheet on narrow screens and takes focus, and arrow keys move between cells.
// Progressive enhancement only: without this file each cell is a link to its page.
(() => {
  const table = document.querySelector("table.matrix");
  const panel = document.getElementById("matrix-panel");
  if (!table || !panel) return;
  let chosen = null; // the id of the chosen cell's <td>

  function mark() {
    for (const link of table.querySelectorAll("td.m a[aria-current]")) {
      link.removeAttribute("aria-current");
    }
    const cell = chosen && document.getElementById(chosen);
    const link = cell && cell.querySelector("a");
    if (link) link.setAttribute("aria-current", "true");
    return link;
  }

  function close() {
    panel.classList.remove("open");
    const link = mark();
    if (link) link.focus();
  }

  table.addEventListener("click", (event) => {
    const cell = event.target.closest("td.m");
    if (!cell || !cell.querySelector("a")) return;
    chosen = cell.id;
    mark();
  });

  // After the panel is drawn (a cell opened, a position added): show it where
  // the eye is and move focus to the confirmation, else to its heading.
  document.body.addEventListener("htmx:afterSettle", (event) => {
    mark(); // an added position redraws the chosen cell
    if (event.detail.target !== panel) return;
    panel.classList.add("open");
    const target = panel.querySelector("[role=status]") || panel.querySelector("h2");
    if (target) {
      target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: !window.matchMedia("(max-width: 700px)").matches });
    }
  });

  panel.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-panel]")) close();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && panel.classList.contains("open") && panel.contains(document.activeElement)) {
      close();
    }
  });

  const MOVES = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
  table.addEventListener("keydown", (event) => {
    const move = MOVES[event.key];
    const cell = event.target.closest("td.m");
    if (!move || !cell || event.altKey || event.ctrlKey || event.metaKey) return;
    const row = cell.parentElement;
    const rowTo = move[0] < 0 ? row.previousElementSibling : move[0] > 0 ? row.nextElementSibling : row;
    const next = rowTo && rowTo.cells[cell.cellIndex + move[1]];
    const link = next && next.matches("td.m") && next.querySelector("a");
    if (!link) return;
    event.preventDefault();
    link.focus();
  });
})();
