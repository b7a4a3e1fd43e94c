import type { SrTypeCode } from '@cms/domain';
import type { SrTypeDefinition } from '../model';
import { CIS_CHANGE_SR } from './cis-change';
import { DATA_TRANSFER_SR } from './data-transfer';
import { PERSONAL_DETAILS_CHANGE_SR } from './personal-details-change';
import { SECURITY_DETAILS_SR } from './security-details';
import { NATIONALLY_SENSITIVE_UPDATE_SR, SENSITIVE_CALL_BACK_SR } from './sensitive-case';

/** The rule table: every SR type's definition, by code. The one source the rules, tests and docs read. */
export const SR_TYPES: Readonly<Record<SrTypeCode, SrTypeDefinition>> = {
  CIS_CHANGE: CIS_CHANGE_SR,
  NATIONALLY_SENSITIVE_UPDATE: NATIONALLY_SENSITIVE_UPDATE_SR,
  SENSITIVE_CALL_BACK: SENSITIVE_CALL_BACK_SR,
  SECURITY_DETAILS: SECURITY_DETAILS_SR,
  PERSONAL_DETAILS_CHANGE: PERSONAL_DETAILS_CHANGE_SR,
  DATA_TRANSFER: DATA_TRANSFER_SR,
};

export {
  CIS_CHANGE_SR,
  DATA_TRANSFER_SR,
  NATIONALLY_SENSITIVE_UPDATE_SR,
  PERSONAL_DETAILS_CHANGE_SR,
  SECURITY_DETAILS_SR,
  SENSITIVE_CALL_BACK_SR,
};
