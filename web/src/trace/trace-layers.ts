import type { Layer } from '@deck.gl/core';
import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { ReachPath } from '../../../geodata/network/trace-paths.ts';
import { rankedItems, type NetworkTraceAnswer, type RankedItem } from './trace.ts';

type Rgb = [number, number, number];

/**
 * Trace colours: a fuchsia no other layer uses (sources are red/green/blue/orange, rivers blue,
 * cells crimson, sections green/red), so the path reads at once on the light and the dark base
 * map and a browser test can find it by colour. The colour means "the path the answer used";
 * where the answer is in doubt (a fork the build could not resolve), the reach also gets an
 * amber halo, beside the warning in the panel.
 */
export const TRACE_COLOUR: Rgb = [217, 70, 239];
export const CONTRIBUTOR_COLOUR: Rgb = [134, 25, 143];
export const DOUBT_COLOUR: Rgb = [245, 158, 11];

/** The deck.gl layers of one trace: its reaches as lines, its ranked contributors as dots sized by share. */
export function traceLayers(answer: NetworkTraceAnswer | null, idPrefix = 'trace'): Layer[] {
  if (!answer) return [];
  const contributors = rankedItems(answer).filter((r) => r.lon !== null && r.lat !== null);
  const doubtful = new Set(answer.trace.validity.ambiguousForks.map((f) => f.reach));
  return [
    new PathLayer<ReachPath>({
      id: `${idPrefix}-doubt`, data: (answer.paths ?? []).filter((p) => doubtful.has(p.id)), getPath: (p) => p.path, getColor: [...DOUBT_COLOUR, 230],
      getWidth: 13, widthUnits: 'pixels', widthMinPixels: 9, capRounded: true, jointRounded: true,
    }),
    new PathLayer<ReachPath>({
      id: `${idPrefix}-reaches`, data: answer.paths ?? [], getPath: (p) => p.path, getColor: [...TRACE_COLOUR, 255],
      getWidth: 5, widthUnits: 'pixels', widthMinPixels: 3, capRounded: true, jointRounded: true,
    }),
    new ScatterplotLayer<RankedItem>({
      id: `${idPrefix}-contributors`, data: contributors, getPosition: (r) => [r.lon!, r.lat!],
      getRadius: (r) => 5 + 14 * (r.share ?? 0), radiusUnits: 'pixels',
      getFillColor: [...CONTRIBUTOR_COLOUR, 235], stroked: true, getLineColor: [255, 255, 255, 220], lineWidthUnits: 'pixels', getLineWidth: 1.5,
    }),
  ];
}
