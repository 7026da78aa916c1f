// The stance matrix, enhanced: a cell opens its panel beside the table (fetched by
// htmx), the chosen cell is marked, the panel is a bottom sheet on narrow screens and
// takes focus, and arrow keys move between cells. One listener on the table serves
// every cell, those appended as rows scroll into view included (boosting each of
// thousands of links would cost the page its first screen).
// Progressive enhancement only: without this file each cell is a link to its page.
(() => {
  const table = document.querySelector("table.matrix[data-cells-open-in]");
  const panel = table && document.getElementById(table.dataset.cellsOpenIn);
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
    const link = event.target.closest("td.m a");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return; // a new tab or window: the link's own page
    }
    event.preventDefault();
    chosen = link.closest("td.m").id;
    mark();
    htmx.ajax("GET", link.href, { target: panel, swap: "innerHTML show:none" });
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
