// The parent pages' script: only the NHS.UK components those pages use. Every page works without it.
import { initButtons, initErrorSummary, initHeader, initRadios, initSkipLinks } from 'nhsuk-frontend';
import { enhance } from './enhance.js';

initButtons();
initErrorSummary();
initHeader();
initRadios();
initSkipLinks();
enhance(document);
