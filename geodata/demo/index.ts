export { generateDemo, DEFAULT_SOURCES, REGION_LAYER_ORDER, type DemoOptions, type DemoRegion, type RegionLayerKind } from './generate.ts';
export { SEEDED_ERROR_KINDS, type SeededError, type SeededErrorKind } from './errors.ts';
export { serializeDemo } from './serialize.ts';
export { loadDemo, type DemoLoadResult, type DemoLoadProgress } from './load-demo.ts';
