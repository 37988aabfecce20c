// Small progressive enhancements. Each one finds its elements by a data attribute and does nothing when
// there are none, so a page opts in from its template and works the same without JavaScript.

/** A button with data-attend-print prints the page (e.g. a clinic list). */
function printButtons(root) {
  for (const button of root.querySelectorAll('[data-attend-print]')) {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  }
}

/** A form with data-attend-submit-once disables its buttons after the first submit (no double posts). */
function submitOnce(root) {
  for (const form of root.querySelectorAll('form[data-attend-submit-once]')) {
    form.addEventListener('submit', () => {
      for (const button of form.querySelectorAll('button')) button.setAttribute('aria-disabled', 'true');
      form.addEventListener('submit', (event) => event.preventDefault());
    });
  }
}

export function enhance(root) {
  printButtons(root);
  submitOnce(root);
}
