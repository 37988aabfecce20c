/**
 * What the local runtime and tests hand the web entry before loading it (as registerLocalAdapters does
 * for SMS and events): the staff session port and any extra page modules. Deployed, nothing registers,
 * and functions/web-app.ts uses its own defaults.
 */
import type { RegisterPages } from './app.ts';
import type { StaffSessionPort } from './staff-session.ts';

export interface WebAdapters {
  readonly staffSessions?: StaffSessionPort;
  readonly pages?: readonly RegisterPages[];
  readonly extraTemplates?: readonly string[];
}

let registered: WebAdapters = {};

export function registerWebAdapters(adapters: WebAdapters): void {
  registered = adapters;
}

export function registeredWebAdapters(): WebAdapters {
  return registered;
}
