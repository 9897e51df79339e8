import { describe, expect, it } from 'vitest';
import { SCREEN_PATHS } from '../../server/web-app.ts';
import { ROUTES, routeOf } from '../../web/src/shell/routes.ts';

describe('the app shell\'s screens', () => {
  it('the server serves the app at exactly the paths the shell routes', () => {
    expect(ROUTES.map((r) => r.path)).toEqual([...SCREEN_PATHS]);
  });

  it('a path names its screen; / and unknown paths are the map', () => {
    expect(routeOf('/review').id).toBe('review');
    expect(routeOf('/review/').id).toBe('review');
    expect(routeOf('/').id).toBe('map');
    expect(routeOf('/nothing').id).toBe('map');
  });
});
