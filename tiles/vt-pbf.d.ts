// vt-pbf ships no types; this declares the one function node-encoder.test.ts compares with.
declare module 'vt-pbf' {
  interface GeojsonVtLikeTile {
    features: { id?: number; type: 1 | 2 | 3; geometry: unknown; tags: Record<string, unknown> }[];
  }
  const vtpbf: {
    fromGeojsonVt(layers: Record<string, GeojsonVtLikeTile>, options?: { version?: number; extent?: number }): Uint8Array;
  };
  export default vtpbf;
}
