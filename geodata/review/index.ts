export { CHECKS, CHECK_BY_CODE, CHECK_CODES, REVIEW_STATUSES, SEVERITIES, type CheckCode, type CheckSpec, type ReviewStatus, type Severity } from './check-catalog.ts';
export { getRun, latestRun, recheckSource, ReviewRunBusyError, runReview, startReviewRun, type CheckOptions, type RunSummary } from './run-checks.ts';
export { FINDING_EXPORT_COLUMNS, findingExportRow, getFinding, ItemsQuery, listFindings, type FindingItem, type ItemsFilter, type ItemsPage } from './findings-list.ts';
export {
  applyReviewAction, CORRECTIONS, ReviewActionBody, ReviewConflictError, ReviewInputError, sourceHistory,
  type HistoryEntry, type ReviewAction, type ReviewResult,
} from './review-actions.ts';
export { ERROR_RATE_TARGET, qualityFigures, type QualityRow } from './quality.ts';
export { decodeOutlines, findingForMap, findingOutlines, type NearbySource } from './finding-map.ts';
export { applyBatchAction, BatchActionBody, undoReviewAction, type BatchAction, type BatchResult } from './batch-actions.ts';
export { addFindingComment, assignDistrict, AssignDistrictBody, CommentBody, findingComments, type FindingComment } from './review-flow.ts';
