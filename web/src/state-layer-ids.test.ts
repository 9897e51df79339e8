import { describe, expect, it } from 'vitest';
import { decodeState, defaultState, encodeState } from './state.ts';

describe('layer ids in the link', () => {
  it('writes the rivers as river_reaches, the name the tiles and the API use', () => {
    expect(encodeState(defaultState())).toMatch(/layers=[^&]*river_reaches/);
  });

  it('still reads links made when the rivers were called "rivers"', () => {
    const s = decodeState('#layers=sources,rivers&opacity=rivers:0.4');
    expect(s.layers.river_reaches).toEqual({ on: true, opacity: 0.4 });
    expect(s.layers.basins.on).toBe(false);
  });

  it('drops an industry or division filter the tiles would refuse', () => {
    expect(decodeState('#industry=26&division=4403').filters).toMatchObject({ industry: '26', division: '4403' });
    expect(decodeState('#industry=26x&division=4').filters).toEqual({});
  });
});
