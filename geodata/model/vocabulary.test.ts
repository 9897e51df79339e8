import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_CODES } from '../review/check-catalog.ts';
import { TILE_LAYERS } from '../../tiles/tile-layers.ts';
import { GBT4754 } from './industry-classes.ts';
import {
  AIR_POLLUTANTS, DIVISION_LEVELS, MAP_LAYER_IDS, MAP_LAYER_SPECS, POLLUTANTS, RECORD_KINDS, REVIEW_STATUSES, SOURCE_STATUSES, SOURCE_TYPES,
  WATER_POLLUTANTS,
} from './vocabulary.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SCANNED = ['geodata', 'server', 'tiles', 'web/src', 'test'];

/** Where each list may be spelled out: its one declaration. */
const LISTS: readonly { name: string; codes: readonly string[]; home: string }[] = [
  { name: 'pollutants', codes: POLLUTANTS, home: 'geodata/model/vocabulary.ts' },
  { name: 'source types', codes: SOURCE_TYPES, home: 'geodata/model/vocabulary.ts' },
  { name: 'source statuses', codes: SOURCE_STATUSES, home: 'geodata/model/vocabulary.ts' },
  { name: 'review statuses', codes: REVIEW_STATUSES, home: 'geodata/model/vocabulary.ts' },
  { name: 'division levels', codes: DIVISION_LEVELS, home: 'geodata/model/vocabulary.ts' },
  { name: 'map layer ids', codes: MAP_LAYER_IDS, home: 'geodata/model/vocabulary.ts' },
  { name: 'record kinds', codes: RECORD_KINDS, home: 'geodata/model/vocabulary.ts' },
  // The checks' catalogue is pure data too; it stays beside the checks that use it.
  { name: 'check codes', codes: CHECK_CODES, home: 'geodata/review/check-catalog.ts' },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sourceFiles(path);
    // Tests and benchmarks pin expected values on purpose (a test that imported the list it
    // checks could not fail): only the product and the fixtures are scanned.
    return /\.(ts|tsx)$/.test(e.name) && !/\.(test|bench)\.ts$/.test(e.name) ? [path] : [];
  });
}

/**
 * Lists of quoted words written out in code: array literals (`['cod', 'nh3n', …]`) and type
 * unions (`'cod' | 'nh3n' | …`). SQL inside template strings is left alone (`IN ('open', …)`).
 */
function literalLists(text: string): string[][] {
  const lists: string[][] = [];
  const word = `'[A-Za-z0-9_]+'`;
  for (const m of text.matchAll(new RegExp(`\\[\\s*${word}(?:\\s*,\\s*${word})+\\s*,?\\s*\\]`, 'g'))) lists.push(m[0].match(/'[^']+'/g)!.map((w) => w.slice(1, -1)));
  for (const m of text.matchAll(new RegExp(`${word}(?:\\s*\\|\\s*${word})+`, 'g'))) lists.push(m[0].match(/'[^']+'/g)!.map((w) => w.slice(1, -1)));
  return lists;
}

describe('the vocabulary', () => {
  it('is declared once: no other source file spells out four or more words of one list', () => {
    const copies: string[] = [];
    for (const file of SCANNED.flatMap(sourceFiles)) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const list of literalLists(text)) {
        for (const l of LISTS) {
          // A copy: four or more words (the shortest lists have four), all of them from this list
          // (the demo's error kinds share some check codes but are their own list).
          const copy = list.length >= Math.min(4, l.codes.length) && list.every((w) => l.codes.includes(w));
          if (copy && relative(ROOT, join(ROOT, file)) !== l.home) copies.push(`${file}: ${l.name} [${list.join(', ')}]`);
        }
      }
    }
    expect(copies).toEqual([]);
  });

  it('finds a copy when one is written (the scan itself works)', () => {
    expect(literalLists(`const P = ['cod', 'nh3n', 'tn', 'tp'] as const;\ntype T = 'open' | 'accepted' | 'fixed' | 'field_check';`)).toEqual([
      ['cod', 'nh3n', 'tn', 'tp'],
      ['open', 'accepted', 'fixed', 'field_check'],
    ]);
  });

  it('splits the pollutants into water and air, each pollutant in exactly one', () => {
    expect([...WATER_POLLUTANTS, ...AIR_POLLUTANTS].sort()).toEqual([...POLLUTANTS].sort());
    expect(WATER_POLLUTANTS).toEqual(['cod', 'nh3n', 'tn', 'tp']);
  });

  it('names every tile layer in exactly one map layer, and every map layer has its tiles', () => {
    const drawn = MAP_LAYER_SPECS.flatMap((l) => l.tiles);
    expect([...drawn].sort()).toEqual([...TILE_LAYERS.keys()].sort());
    expect(new Set(drawn).size).toBe(drawn.length);
  });

  it('holds every GB/T 4754-2017 major category and class, each under an existing major category', () => {
    const codes = [...GBT4754.keys()];
    expect(codes.filter((c) => /^[A-T]$/.test(c))).toHaveLength(20);
    const majors = codes.filter((c) => /^\d{2}$/.test(c));
    expect(majors).toHaveLength(97);
    const classes = codes.filter((c) => /^\d{4}$/.test(c));
    expect(classes).toHaveLength(1380);
    expect(classes.filter((c) => !majors.includes(c.slice(0, 2)))).toEqual([]);
    expect(GBT4754.get('26')).toBe('化学原料和化学制品制造业');
    expect(GBT4754.get('4620')).toBe('污水处理及其再生利用');
    // Codes the 2011 edition had and the 2017 edition renumbered are absent.
    expect(GBT4754.has('1810')).toBe(false);
  });
});
