import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, Clock, DomainValidationError, StaleVersionError } from '@cms/domain';
import { CLOCK, recordAudit } from '@cms/platform';
import { assertSubjectEditable } from '@cms/sr-rules';
import { DataSource, EntityManager } from 'typeorm';
import type { UpdateServiceRequestDto } from './service-request.dto';
import { SrCaseLink, SrNote } from './service-request.entity';
import { loadLinkedCases } from './service-request-raising.service';
import { ServiceRequestReadsService } from './service-request-reads.service';
import { SecuritySetUpCheck } from './security-set-up.check';
import {
  assertEditable,
  auditShape,
  type Loaded,
  RESERVED_DETAILS,
  rerouteLoaded,
  reservedProblems,
  stageOf,
} from './service-request.state';
import type { ServiceRequestView } from './service-request.view';

/**
 * Changes to an SR besides its status and activity plan: notes (append-only), field edits while
 * editable (TD-8), and the flag a Wait expiry raises for the caseworker; each re-routed and audited.
 */
@Injectable()
export class ServiceRequestEditsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly reads: ServiceRequestReadsService,
    private readonly securitySetUp: SecuritySetUpCheck,
  ) {}

  /**
   * Flags the SR for the caseworker who owns it (a Wait expiry's follow-up) and writes the flag to the
   * Notes, where it stays once a move answers the flag; re-routed and audited.
   */
  async raiseFlag(
    m: EntityManager,
    loaded: Loaded,
    message: string,
    author: string,
    source: string,
  ): Promise<void> {
    const { sr } = loaded;
    const before = { flag: sr.flag };
    sr.flag = message;
    const note = m.create(SrNote, { srId: sr.id, text: message, author });
    loaded.notes.push(await m.save(note));
    rerouteLoaded(loaded, this.clock.now());
    await m.save(sr);
    await recordAudit(m, {
      entityType: 'service-request',
      entityId: sr.id,
      action: 'flagged',
      before,
      after: { flag: message },
      source,
    });
  }

  /** Appends a note (notes are never edited). Refused once the SR is read-only (TD-8) or closed. */
  async addNote(id: string, text: string, actor: Actor): Promise<ServiceRequestView> {
    await this.db.transaction(async (m) => {
      const loaded = await this.reads.load(m, id, true);
      assertEditable(loaded.sr);
      await m.insert(SrNote, { srId: id, text, author: actor.id });
      await recordAudit(m, {
        entityType: 'service-request',
        entityId: id,
        action: 'note-added',
        after: { text },
      });
    });
    return this.reads.get(id, actor);
  }

  /**
   * Edits SR fields while editable (TD-8: read-only after TL approval, editable after a rejection). A new
   * subject of a Change Contact/Security Info SR must have security details set up (SD-22).
   */
  async update(id: string, dto: UpdateServiceRequestDto, actor: Actor): Promise<ServiceRequestView> {
    await this.db.transaction(async (m) => {
      const loaded = await this.reads.load(m, id, true);
      const { sr } = loaded;
      if (sr.version !== dto.version)
        throw new StaleVersionError('Service request', id, dto.version, sr.version);
      assertEditable(sr);
      const reserved = reservedProblems(dto.details, RESERVED_DETAILS);
      if (reserved.length) throw new DomainValidationError(reserved);
      const before = auditShape(sr);
      if (dto.details) sr.details = { ...sr.details, ...dto.details };
      if (dto.owner !== undefined) sr.owner = dto.owner;
      if (dto.caseIds || dto.subject) {
        // SD-6, SD-11: fixed once a step is recorded, so later steps act on the person verified.
        assertSubjectEditable(
          loaded.steps,
          {
            subject: sr.subjectClientId ? { clientId: sr.subjectClientId, role: sr.subjectRole! } : null,
            caseIds: loaded.caseIds,
          },
          { subject: dto.subject, caseIds: dto.caseIds },
        );
        const caseIds = dto.caseIds ?? loaded.caseIds;
        const { cases } = await loadLinkedCases(
          m,
          caseIds,
          dto.subject ??
            (sr.subjectClientId ? { clientId: sr.subjectClientId, role: sr.subjectRole! } : undefined),
        );
        // SD-22: a new subject of a Change Contact/Security Info SR must have set up security too.
        if (dto.subject && dto.subject.clientId !== sr.subjectClientId)
          await this.securitySetUp.assertSetUp(sr.type, dto.subject);
        if (dto.subject) {
          sr.subjectClientId = dto.subject.clientId;
          sr.subjectRole = dto.subject.role;
        }
        if (dto.caseIds) {
          await m.delete(SrCaseLink, { srId: id });
          if (caseIds.length)
            await m.insert(
              SrCaseLink,
              caseIds.map((caseId) => ({ srId: id, caseId })),
            );
          loaded.caseIds = caseIds;
        }
        sr.nationallySensitive = cases.some((c) => c.nationallySensitive);
        loaded.stage = stageOf(cases);
      }
      rerouteLoaded(loaded, this.clock.now());
      await m.save(sr);
      await recordAudit(m, {
        entityType: 'service-request',
        entityId: id,
        action: 'edited',
        before,
        after: auditShape(sr),
      });
    });
    return this.reads.get(id, actor);
  }
}
