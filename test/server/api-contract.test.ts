import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../geodata/model/api/index.ts';
import { productRoutes } from '../support/route-list.ts';

// The API contract (geodata/model/api/) and the server are one list: a route the server answers
// without a contract entry, or an entry the server does not answer, fails here. That each
// answer matches its schema is checked by every test server (YZT_CHECK_ANSWERS, server/send-json.ts).
describe('the API contract', () => {
  it('names every route the server answers, and no other', () => {
    const contract = apiRoutes().map((r) => `${r.method} ${r.path}`).sort();
    // /metrics is only wired when YZT_METRICS=admin; the product list is read with the defaults.
    const server = productRoutes();
    expect(server.filter((r) => !contract.includes(r))).toEqual([]);
    expect(contract.filter((r) => !server.includes(r) && r !== 'GET /metrics')).toEqual([]);
  });

  it('has one entry per route, and a schema or a standard for every answer', () => {
    const keys = apiRoutes().map((r) => `${r.method} ${r.path}`);
    expect(keys.length).toBe(new Set(keys).size);
    for (const r of apiRoutes()) {
      if (r.response === null) expect({ route: `${r.method} ${r.path}`, answer: r.answer ?? 'MISSING' }).not.toMatchObject({ answer: 'MISSING' });
    }
  });
});
