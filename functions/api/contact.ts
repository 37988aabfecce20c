/** The staff list of families to call: `GET /call-list?date=`. */
import { z } from 'zod';
import { calendarDate } from '#core/dates.ts';
import { json, readQuery } from '#runtime/http.ts';
import { callList } from '#services/contact.ts';
import type { RegisterRoutes } from './context.ts';

export const callListQuery = z.object({ date: calendarDate });

export const registerContactRoutes: RegisterRoutes = (router, deps) => {
  router.get('/call-list', async ({ req }) => {
    const { date } = readQuery(req, callListQuery);
    return json(200, { date, items: await callList(deps, date) });
  });
};
