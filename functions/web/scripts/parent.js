// The parent pages' script: only the NHS.UK components those pages use. Every page works without it.
import { initButtons, initErrorSummary, initHeader, initRadios, initSkipLinks } from 'nhsuk-frontend';
import { enhance } from './enhance.js';

function start() {
  initButtons();
  initErrorSummary();
  initHeader();
  initRadios();
  initSkipLinks();
  enhance(document);
}

// Loaded `async` (the page is usable before it arrives on a slow network): it may run before the
// page is parsed, so it waits for that.
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
