import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Actor,
  BankDetails,
  Clock,
  DomainError,
  DomainValidationError,
  maskBankDetails,
  normaliseSortCode,
  StaleVersionError,
  transferItemProblems,
  TransferRoute,
} from '@cms/domain';
import { CLOCK, CONFIG, FieldSealer, recordAudit } from '@cms/platform';
import { DataSource, EntityManager, In } from 'typeorm';
import { CaseParticipant } from '../cases/case.entity';
import type { ServiceRequestsConfig } from '../config';
import { ServiceRequestOutcomesService } from '../service-requests/service-request-outcomes.service';
import { ServiceRequestReadsService } from '../service-requests/service-request-reads.service';
import { assertEditable, type Loaded } from '../service-requests/service-request.state';
import type { ServiceRequestView } from '../service-requests/service-request.view';
import type { TransferItemsDto } from './data-transfer.controller';

/**
 * The items a client wants passed to the other party on a DATA_TRANSFER SR: only the transferable
 * items (TD-1), bank details only the receiving parent's (TD-1, Direct Pay), checked first (TD-5) and
 * sealed at rest, masked in every response and audit record; the declaration and consent as given,
 * which the SR rules check before submission (TD-4, TD-9). Editable until a team leader approves (TD-8).
 */
@Injectable()
export class DataTransferService {
  private readonly sealer: FieldSealer;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) config: ServiceRequestsConfig,
    private readonly reads: ServiceRequestReadsService,
    private readonly outcomes: ServiceRequestOutcomesService,
  ) {
    this.sealer = new FieldSealer(config.BANK_DETAILS_KEY);
  }

  /**
   * Records the transfer items on the SR at `dto.version`, replacing any entered before; the Bank
   * Wizard check (TD-5) recorded on the activity plan where it has the step; audited, masked.
   * @throws DomainError NOT_A_TRANSFER (TD-2), StaleVersionError, SrRuleError (TD-8), DomainValidationError
   */
  async recordItems(id: string, dto: TransferItemsDto, actor: Actor): Promise<ServiceRequestView> {
    await this.db.transaction(async (m) => {
      const loaded = await this.reads.load(m, id, true);
      const { sr } = loaded;
      if (sr.type !== 'DATA_TRANSFER') {
        throw new DomainError(
          'NOT_A_TRANSFER',
          'precondition',
          'Transfer items belong on an Outbound Contact / Send Generic Correspondence SR.',
          {
            requirementId: 'TD-2',
          },
        );
      }
      if (sr.version !== dto.version)
        throw new StaleVersionError('Service request', id, dto.version, sr.version);
      assertEditable(sr);
      const route = sr.path as TransferRoute;
      const problems = transferItemProblems(dto.items, route);
      if (route === 'verbal-bank-details' && dto.consentAccepted !== true) {
        problems.push({
          field: 'consentAccepted',
          rule: 'consent',
          message: 'Read the consent statement; without consent use the CMSL0405 route.',
          requirementId: 'TD-9',
        });
      }
      if (
        dto.items &&
        typeof dto.items === 'object' &&
        (dto.items as Record<string, unknown>).bankDetails !== undefined &&
        (await this.providerRole(m, loaded)) === 'NRP'
      ) {
        // TD-1: bank details pass only to the paying parent, for Direct Pay; refused here, on entry,
        // not first when correspondence refuses CMSL0406 after team leader approval.
        problems.push({
          field: 'items.bankDetails',
          rule: 'direct-pay-recipient',
          message:
            "Bank details are passed on only from the receiving parent to the paying parent, to enable Direct Pay: a paying parent's own bank details are never passed on.",
          requirementId: 'TD-1',
        });
      }
      if (problems.length) throw new DomainValidationError(problems);
      const { bankDetails, ...contact } = dto.items as { bankDetails?: BankDetails } & Record<
        string,
        unknown
      >;
      const bank = bankDetails
        ? {
            ...bankDetails,
            sortCode: normaliseSortCode(bankDetails.sortCode),
            accountNumber: bankDetails.accountNumber.replace(/\s/g, ''),
          }
        : null;
      const before = { transfer: masked(sr.details.transfer) };
      sr.details = {
        ...sr.details,
        transfer: {
          route,
          items: contact,
          bankDetails: bank ? maskBankDetails(bank) : null,
          bankDetailsSealed: bank ? this.sealer.seal(JSON.stringify(bank)) : null,
          declarationSigned: dto.declarationSigned ?? null,
          consentAccepted: dto.consentAccepted ?? null,
          recordedBy: actor.id,
          recordedAt: this.clock.now().toISOString(),
        },
      };
      // The bank details check just ran (TD-5): record it on the activity plan where the plan has the
      // step, through the SR's one checked outcome path (which saves the SR with its details).
      if (loaded.steps.some((st) => st.key === 'bank-details-checked')) {
        await this.outcomes.recordProcedureOutcome(
          m,
          loaded,
          'bank-details-checked',
          bank ? 'Bank Wizard Passed' : 'No Bank Details',
          actor,
        );
      } else {
        await m.save(sr);
      }
      await recordAudit(m, {
        entityType: 'service-request',
        entityId: id,
        action: 'transfer-items-recorded',
        before,
        after: { transfer: masked(sr.details.transfer) },
      });
    });
    return this.reads.get(id, actor);
  }

  /**
   * The role on the case of the client whose details are passed on (the SR's subject): their
   * participation on a linked case, else the subject role recorded on the SR; null when unknown.
   */
  private async providerRole(m: EntityManager, loaded: Loaded): Promise<string | null> {
    const { sr } = loaded;
    if (!sr.subjectClientId) return null;
    const part = loaded.caseIds.length
      ? await m.findOne(CaseParticipant, {
          where: { clientId: sr.subjectClientId, caseId: In(loaded.caseIds) },
        })
      : null;
    return part?.role ?? sr.subjectRole ?? null;
  }
}

function masked(transfer: unknown): unknown {
  if (!transfer || typeof transfer !== 'object') return null;
  const { bankDetailsSealed: _sealed, ...rest } = transfer as Record<string, unknown>;
  return rest;
}
