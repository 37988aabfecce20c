/**
 * Pages that exist only in tests, to exercise the web foundation as the real pages will: a form, an
 * upload, a chart, NHS.UK components, a page only managers may open, and pages that fail.
 */
import type { RegisterPages } from '#web/app.ts';
import { csvResponse, groupedBarChart, lineChart, stackedBarChart } from '#web/charts.ts';
import { errorStatus, redirect } from '#web/router.ts';

/** What the last form post carried, for tests to assert on. */
export const received: {
  fields?: Record<string, string>;
  file?: { name: string; bytes: Buffer; mimeType: string };
} = {};

export async function exampleCharts() {
  return Promise.all([
    lineChart({
      id: 'dna-rate',
      title: 'DNA+WNB rate by week',
      description: 'The share of appointments missed or not brought to each week, with the 11.5% baseline.',
      format: 'percent',
      xTitle: 'Week starting',
      yTitle: 'DNA+WNB rate',
      points: [
        { x: '2 Nov', y: 0.124 },
        { x: '9 Nov', y: 0.101 },
        { x: '16 Nov', y: 0.087 },
        { x: '23 Nov', y: 0.079 },
      ],
      baseline: { value: 0.115, label: 'Baseline 11.5%' },
    }),
    groupedBarChart({
      id: 'rate-by-quintile',
      title: 'Missed appointments by IMD quintile',
      description: 'Missed appointments in each deprivation quintile, by appointment type.',
      format: 'count',
      categoryTitle: 'IMD quintile (1 most deprived)',
      groupTitle: 'Type',
      valueTitle: 'Missed',
      data: [1, 2, 3, 4, 5].flatMap((q) => [
        { category: String(q), group: '6-8 week review', value: 12 - q },
        { category: String(q), group: '1 year review', value: 9 - q },
      ]),
    }),
    stackedBarChart({
      id: 'cancellations-by-notice',
      title: 'Cancellations by notice',
      description: 'Cancellations each week, by how much notice the family gave.',
      format: 'count',
      categoryTitle: 'Week starting',
      groupTitle: 'Notice',
      valueTitle: 'Cancellations',
      data: ['2 Nov', '9 Nov', '16 Nov'].flatMap((week, i) => [
        { category: week, group: 'Under 24 hours', value: 3 + i },
        { category: week, group: '1 to 7 days', value: 6 - i },
        { category: week, group: 'Over 7 days', value: 4 },
      ]),
    }),
  ]);
}

export const testPages: RegisterPages = (router) => {
  router.page({
    method: 'GET',
    path: '/staff/notes',
    summary: 'A form (test page)',
    access: ['scheduler', 'manager'],
    nav: { label: 'Notes', order: 20 },
    handler: (page) => page.render('test/form.njk'),
  });
  router.page({
    method: 'POST',
    path: '/staff/notes',
    summary: 'Saves a note (test page)',
    access: ['scheduler', 'manager'],
    handler: (page) => {
      received.fields = Object.fromEntries(page.form?.fields ?? []);
      return redirect('/staff/notes');
    },
  });
  router.page({
    method: 'GET',
    path: '/staff/upload',
    summary: 'An upload form (test page)',
    access: ['admin'],
    nav: { label: 'Upload', order: 30 },
    handler: (page) => page.render('test/upload.njk'),
  });
  router.page({
    method: 'POST',
    path: '/staff/upload',
    summary: 'Receives a file (test page)',
    access: ['admin'],
    handler: (page) => {
      const file = page.form?.files[0];
      if (file) received.file = { name: file.filename, bytes: file.bytes, mimeType: file.mimeType };
      received.fields = Object.fromEntries(page.form?.fields ?? []);
      return redirect('/staff/upload');
    },
  });
  router.page({
    method: 'GET',
    path: '/staff/metrics-example',
    summary: 'Charts (test page)',
    access: ['manager'],
    nav: { label: 'Metrics', order: 10 },
    handler: async (page) => page.render('test/chart.njk', { charts: await exampleCharts() }),
  });
  router.page({
    method: 'GET',
    path: '/staff/chart.csv',
    summary: 'A chart’s data (test page)',
    access: ['manager'],
    handler: async (page) => {
      const chart = (await exampleCharts()).find((c) => c.id === page.url.searchParams.get('chart'));
      return chart ? csvResponse(`${chart.id}.csv`, chart.csv) : errorStatus(404);
    },
  });
  router.page({
    method: 'GET',
    path: '/staff/components',
    summary: 'NHS.UK components in the staff layout (test page)',
    access: ['scheduler', 'manager', 'admin'],
    handler: (page) => page.render('test/components.njk'),
  });
  router.page({
    method: 'GET',
    path: '/staff/test-families/:id',
    summary: 'A page with a path parameter (test page)',
    access: ['scheduler'],
    handler: (page) => {
      if (page.params.id === 'missing')
        throw Object.assign(new Error('no such family'), { code: 'NOT_FOUND' });
      return page.render('test/form.njk', { familyId: page.params.id });
    },
  });
  router.page({
    method: 'GET',
    path: '/staff/broken',
    summary: 'A page that fails (test page)',
    access: ['scheduler', 'manager', 'admin'],
    handler: () => {
      throw new Error('database password is hunter2');
    },
  });
};
