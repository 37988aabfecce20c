// The staff app's script: NHS.UK frontend's components (menus, error summaries, tables) and Attend's
// enhancements. Every page works without it; it is loaded as a module with the page's CSP nonce.
import { initAll } from 'nhsuk-frontend';
import { enhance } from './enhance.js';
import { smsCounts } from './sms-count.js';

initAll();
enhance(document);
smsCounts(document);
