import { describe, expect, it } from 'vitest';
import { buildRequest } from '#bin/admin.ts';

describe('attend admin import fhir', () => {
  it('posts the Bundle given with --json to /import, with dryRun and confirm as query parameters', () => {
    // Prepare
    const bundle = '{"resourceType":"Bundle","type":"collection","entry":[]}';

    // Act
    const request = buildRequest(
      ['import', 'fhir', '--json', bundle, '--dryRun', 'true', '--confirm', 'false'],
      {},
    );

    // Assess
    expect(request.method).toBe('POST');
    expect(request.url.toString()).toBe('http://localhost:3000/import?dryRun=true&confirm=false');
    expect(request.body).toBe(bundle);
  });
});
