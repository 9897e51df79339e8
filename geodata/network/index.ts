export { buildRiverNetwork, NetworkBuildError, type BuildOptions, type DirectionSource, type NetworkReport, type Piece } from './build-network.ts';
export { refreshNetworkIndex, type IndexReport } from './network-index.ts';
export { linkNetwork, DEFAULT_LINK_OPTIONS, type LinkOptions, type LinkReport, type UnlinkedItem } from './link-network.ts';
export {
  traceUpstream, traceUpstreamFrom, traceDownstreamFromSource, traceDownstreamFromOutfall, traceDownstreamFromSection, NetworkLookupError, DEFAULT_DECAY_PER_KM, POLLUTANTS,
  type Contributor, type DownstreamTrace, type Loads, type Pollutant, type TraceScope, type UpstreamFrom, type UpstreamOptions, type UpstreamTrace,
} from './trace.ts';
export { allSectionLoads, type SectionLoad } from './section-loads.ts';
export {
  latestReadingMonth, problemList, responseIndicator, RESPONSE_CAVEAT, sectionResponse, spearman,
  type Problem, type ResponseIndicator, type SectionMonth, type SectionResponse,
} from './response.ts';
export { AIR_POLLUTANTS, airContributors, type AirContributor, type AirOptions, type AirPollutant, type AirStationContributors } from './air-contributors.ts';
export { battleBasins, battleView, type BattleSection, type BattleView } from './battle-map.ts';
export { NETWORK_KINDS, refreshAfterImport, type ImportRefresh } from './refresh-after-import.ts';
export { importCensusFormThenRefresh, importThenRefresh, type ImportCaller, type WithNetwork } from './import-then-refresh.ts';
export { nameReaches, resolveSource, resolveTraceStart, type NamedReach, type StartKind, type TraceStart } from './identifiers.ts';
export { type TraceValidity } from './trace-validity.ts';
export { orientAutomatically, type ArcRole, type AutoResult } from './auto-direction.ts';
export { networkReport, refreshForCaller, summarizeLinks, type StoredNetworkReport } from './network-report.ts';
export { networkIssues, MAX_DRAWN, type NetworkIssue, type NetworkIssueKind, type NetworkIssues } from './network-issues.ts';
export { reachPaths, DRAW_TOLERANCE_DEG, type NetworkTraceAnswer, type ReachPath } from './trace-paths.ts';
