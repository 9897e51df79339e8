export { runScreening, type ScreeningOptions } from './screening.ts';
export {
  decideUnit, DECISIONS, FIELD_RESULTS, importList, listLists, ListDecisionError, listUnits, ListUnitNotFoundError, OUTCOMES, PHONE_RESULTS,
  UnitDecisionBody, type ListImport, type Outcome, type UnitItem,
} from './list-matching.ts';
export {
  DEFAULT_QUOTA, drawSample, drawStrata, getPlan, KEY_INDICATORS, listPlans, OmissionBody, recordCheck, recordOmission, SampleCheckBody,
  SampleItemNotFoundError, SamplePlanBody, sampleItems, sampleRates, type KeyIndicator,
} from './sampling.ts';
export { AssignBody, assignItems, DEFAULT_DEADLINE_DAYS, dispatchSummary, dispatchUnplaced, dispatchWeeks } from './dispatch.ts';
export { wilsonInterval } from './wilson.ts';
export { workbookTables, type SheetSpec } from './workbook.ts';
