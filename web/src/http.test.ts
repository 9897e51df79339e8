import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API } from '../../geodata/model/api/index.ts';
import { ApiError, HttpClient } from './http.ts';

const WEB_SRC = fileURLToPath(new URL('.', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.ts$/.test(f) && !/\.test\.ts$/.test(f) ? [p] : [];
  });
}

/** A fetch that records what it was asked and answers with the given response. */
function recorder(answer: () => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetcher = async (url: string, init: RequestInit) => { calls.push({ url, init }); return answer(); };
  return { calls, fetcher };
}

describe('the web app\'s HTTP client', () => {
  it('is the only module of the web app that calls fetch, and nothing patches window.fetch', () => {
    const callers = sources(WEB_SRC).filter((f) => /(^|[^.\w])fetch\s*\(/.test(readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')))
      .map((f) => relative(WEB_SRC, f));
    expect(callers).toEqual(['http.ts']);
    const patchers = sources(WEB_SRC).filter((f) => /window\.fetch\s*=/.test(readFileSync(f, 'utf8')));
    expect(patchers).toEqual([]);
  });

  it('sends the CSRF token with requests that change data, and not with reads', async () => {
    const { calls, fetcher } = recorder(() => Response.json({ ok: true }));
    const client = new HttpClient('/api', fetcher);
    client.setCsrf('tok-1');
    await client.request('/review/items', { query: { status: 'open', check: ['a', 'b'], empty: '', none: null } });
    await client.request('/review/items/1/actions', { method: 'POST', body: { action: 'accept' } });
    expect(calls[0]!.url).toBe('/api/review/items?status=open&check=a%2Cb');
    expect(new Headers(calls[0]!.init.headers).get('X-CSRF-Token')).toBeNull();
    const post = new Headers(calls[1]!.init.headers);
    expect(post.get('X-CSRF-Token')).toBe('tok-1');
    expect(post.get('content-type')).toBe('application/json');
    expect(calls[1]!.init.body).toBe('{"action":"accept"}');
  });

  it('turns a failed answer into an ApiError with the server\'s message and body', async () => {
    const { fetcher } = recorder(() => Response.json({ error: 'the source was changed by someone else', rowVersion: 4 }, { status: 409 }));
    const err = await new HttpClient('/api', fetcher).request('/x', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 409, message: 'the source was changed by someone else', body: { rowVersion: 4 } });
  });

  it('calls a route of the contract: the path from its parameters, the answer parsed by its schema', async () => {
    const { calls, fetcher } = recorder(() => Response.json({ ok: true }));
    const client = new HttpClient('/api', fetcher);
    await client.call(API.tiles.catalog).catch(() => null);
    expect(calls[0]!.url).toBe('/tiles/catalog.json');
    const route = { method: 'GET', path: '/api/lists/:id/units/:line', response: z.object({ line: z.number() }) } as const;
    const wrong = await client.call(route, { params: { id: 7, line: 'a b' } }).catch((e: unknown) => e);
    expect(calls[1]!.url).toBe('/api/lists/7/units/a%20b');
    // The answer above has no `line`: the client names the route and the member instead of handing on a wrong shape.
    expect(wrong).toBeInstanceOf(ApiError);
    expect((wrong as ApiError).message).toMatch(/GET \/api\/lists\/:id\/units\/:line: the answer does not match the API contract at line/);
    await expect(client.call(route, { params: { id: 7 } })).rejects.toThrow(/no value for :line/);
    // 204 No Content: nothing to parse, and no error for it.
    const noContent = new HttpClient('/api', recorder(() => new Response(null, { status: 204 })).fetcher);
    await expect(noContent.call(API.quality.check, { params: { id: 1 }, body: { censusId: 'Q1', indicators: { name: true } } })).resolves.toBeUndefined();
  });

  it('reports download progress up to the length the server names', async () => {
    const bytes = new Uint8Array(50_000).fill(7);
    const { fetcher } = recorder(() => new Response(new Blob([bytes]).stream(), { headers: { 'content-length': String(bytes.length) } }));
    const seen: [number, number | null][] = [];
    const got = await new HttpClient('/api', fetcher).bytes('/big', { onProgress: (loaded, total) => seen.push([loaded, total]) });
    expect(got.length).toBe(bytes.length);
    expect(seen.at(-1)).toEqual([bytes.length, bytes.length]);
    expect(seen.every(([, total]) => total === bytes.length)).toBe(true);
  });

  it('addresses tiles beside the API, not under it', () => {
    const client = new HttpClient('/api');
    expect(client.url('/tiles/catalog.json')).toBe('/tiles/catalog.json');
    expect(client.url('/review/items', { format: 'csv' })).toBe('/api/review/items?format=csv');
  });
});
