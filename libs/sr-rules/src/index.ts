/**
 * @cms/sr-rules: the service request vocabulary's status rules, as one table and one pure function.
 * Framework-free (never import NestJS or TypeORM here). Services call `decideTransition` /
 * `assertTransition` and never re-implement a rule.
 */
export * from './model';
export * from './errors';
export { SR_TYPES } from './types';
export {
  CIS_CHANGE_SR,
  DATA_TRANSFER_SR,
  NATIONALLY_SENSITIVE_UPDATE_SR,
  PERSONAL_DETAILS_CHANGE_SR,
  SECURITY_DETAILS_SR,
  SENSITIVE_CALL_BACK_SR,
} from './types';
export { resolvePath, sameState, stateLabel } from './table';
export {
  decideTransition,
  assertTransition,
  allowedTransitions,
  isEditable,
  isCisUpdateEnabled,
  type OfferedTransition,
} from './decide';
export {
  activityPlanFor,
  validateActivityOutcome,
  assertActivityOutcome,
  assertRecordableOutcome,
  stepOutcome,
  type ActivityOutcomeDecision,
  type ActivityOutcomeOptions,
  type OutcomeOrigin,
  type RecordableOutcome,
} from './activity-plan';
export { slaFor, DUE_SOON_SHARE, type SlaStatus, type SlaState } from './sla';
export {
  routeToQueue,
  ROUTING_RULES,
  QUEUE_NAMES,
  type QueueName,
  type RoutingContext,
  type RoutingRule,
} from './routing';
export { followUpOnWaitExpiry, FOLLOW_UP_ACTOR, type FollowUpAction } from './follow-ups';
export { checkRuleTable } from './table-check';
export { assertSubjectEditable, type SrSubjectLinks } from './subject';
