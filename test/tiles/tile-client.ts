import { VectorTile, type VectorTileLayer } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

/** What a test sees of a tile answer: status, headers, raw bytes and decoded layers. */
export interface FetchedTile {
  status: number;
  headers: Headers;
  bytes: Buffer;
  layers: Record<string, VectorTileLayer>;
  json?: { error?: string };
}

export interface DecodedFeature {
  id: number | undefined;
  type: number;
  properties: Record<string, string | number | boolean>;
  geometry: { x: number; y: number }[][];
}

export async function fetchTile(url: string, headers: Record<string, string> = {}): Promise<FetchedTile> {
  const res = await fetch(url, { headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  const out: FetchedTile = { status: res.status, headers: res.headers, bytes, layers: {} };
  if (res.headers.get('content-type')?.includes('json')) out.json = JSON.parse(bytes.toString('utf8'));
  else if (res.status === 200) out.layers = decodeTile(bytes);
  return out;
}

export function decodeTile(bytes: Buffer): Record<string, VectorTileLayer> {
  return new VectorTile(new PbfReader(bytes)).layers;
}

export function features(layer: VectorTileLayer | undefined): DecodedFeature[] {
  if (!layer) return [];
  const out: DecodedFeature[] = [];
  for (let i = 0; i < layer.length; i++) {
    const f = layer.feature(i);
    out.push({
      id: f.id,
      type: f.type,
      properties: f.properties as Record<string, string | number | boolean>,
      geometry: f.loadGeometry().map((ring) => ring.map((p) => ({ x: p.x, y: p.y }))),
    });
  }
  return out;
}
