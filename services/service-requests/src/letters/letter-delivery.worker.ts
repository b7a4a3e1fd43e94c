import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { correspondenceClient } from '@cms/clients';
import { Clock, DomainError, isSmsCode, toIsoDate } from '@cms/domain';
import { CLOCK, CONFIG, FieldSealer, JobQueue, PeerHttp, unwrapPeer } from '@cms/platform';
import { allowedTransitions, FOLLOW_UP_ACTOR } from '@cms/sr-rules';
import { DataSource, EntityManager, In } from 'typeorm';
import { Case, CaseParticipant } from '../cases/case.entity';
import { Client } from '../clients/client.entity';
import type { ServiceRequestsConfig } from '../config';
import { ServiceRequest, SrActivityStep, SrNote } from '../service-requests/service-request.entity';
import { ServiceRequestReadsService } from '../service-requests/service-request-reads.service';
import { ServiceRequestTransitionsService } from '../service-requests/service-request-transitions.service';
import { snapshotOf } from '../service-requests/service-request.state';
import { LETTER_JOBS, LetterJob } from './letter-job';

/** Kinds of refusal from correspondence that retrying will not cure: the SR is flagged instead. */
const PERMANENT = new Set(['validation', 'precondition', 'not-found', 'forbidden', 'conflict']);

/**
 * Delivers the letters and SMS that SR transitions write as jobs (CMSL9800/9801 SD-9/10, CMSL9802 or
 * the SMS SD-16, CMSL0405 TD-3, CMSL0406 with its attachment TD-7, CMSL9661/9662 TD-12) to
 * correspondence, with the job id as Idempotency-Key, so a retry never issues twice. After CMSL0406
 * the system closes the approved transfer SR with Letter Issued; when correspondence refuses CMSL0406
 * for good, it returns the SR to Letter Not Issued, editable and flagged (TD-8).
 */
@Injectable()
export class LetterDeliveryWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(LetterDeliveryWorker.name);
  private readonly correspondence: ReturnType<typeof correspondenceClient>;
  private readonly sealer: FieldSealer;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) config: ServiceRequestsConfig,
    peer: PeerHttp,
    private readonly jobs: JobQueue,
    private readonly reads: ServiceRequestReadsService,
    private readonly transitions: ServiceRequestTransitionsService,
  ) {
    this.correspondence = correspondenceClient(config.CORRESPONDENCE_URL, peer.fetch);
    this.sealer = new FieldSealer(config.BANK_DETAILS_KEY);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work<LetterJob>(LETTER_JOBS, (payload, job) => this.deliver(payload, job.id));
  }

  /** Issues one letter or SMS for an SR. Transient failures throw (pg-boss retries with backoff). */
  async deliver(job: LetterJob, idempotencyKey: string): Promise<void> {
    try {
      // Inside the try: no recipient on the case (NO_RECIPIENT) is a permanent refusal too.
      const ctx = await this.context(this.db.manager, job);
      if (isSmsCode(job.letter)) {
        if (!ctx.recipient.mobilePhone)
          throw new DomainError('NO_MOBILE', 'precondition', 'The client has no mobile number for the SMS.');
        unwrapPeer(
          await this.correspondence.POST('/sms', {
            params: { header: { 'Idempotency-Key': idempotencyKey } },
            body: {
              templateCode: job.letter,
              recipient: { clientId: ctx.recipient.id, mobilePhone: ctx.recipient.mobilePhone },
              caseId: ctx.case.id,
              jurisdiction: ctx.case.jurisdiction,
              personalisation: {},
            },
          }),
        );
      } else {
        if (!ctx.recipient.address)
          throw new DomainError(
            'NO_ADDRESS',
            'precondition',
            'The recipient has no address held for the letter.',
          );
        unwrapPeer(
          await this.correspondence.POST('/letters', {
            params: { header: { 'idempotency-key': idempotencyKey } },
            body: {
              templateCode: job.letter,
              recipient: {
                clientId: ctx.recipient.id,
                role: ctx.recipientRole,
                name: `${ctx.recipient.firstName} ${ctx.recipient.lastName}`,
                address: ctx.recipient.address,
              },
              caseId: ctx.case.id,
              caseNumber: ctx.case.caseNumber,
              jurisdiction: ctx.case.jurisdiction,
              stage: ctx.case.stage,
              serviceRequestId: ctx.sr.id,
              personalisation: this.personalisation(job, ctx),
              ...(job.letter === 'CMSL0406'
                ? {
                    approval: {
                      serviceRequestId: ctx.sr.id,
                      approvedBy: ctx.sr.approvedBy,
                      approvedAt: ctx.sr.approvedAt?.toISOString(),
                    },
                  }
                : {}),
              ...(job.letter === 'CMSL9661' ? { transferReference: ctx.sr.srNumber } : {}),
            },
          } as never),
        );
      }
    } catch (e) {
      if (e instanceof DomainError && PERMANENT.has(e.kind)) {
        await this.refused(job.serviceRequestId, `${job.letter} could not be issued: ${e.message}`);
        this.logger.warn(
          { serviceRequestId: job.serviceRequestId, letter: job.letter, code: e.code },
          'letter refused; SR flagged',
        );
        return;
      }
      throw e;
    }
    await this.issued(job.serviceRequestId, job.letter);
  }

  /** Records the issue on the SR; CMSL0406 after approval closes the SR (TD-8), as the system. */
  private async issued(srId: string, letter: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.insert(SrNote, { srId, text: `${letter} issued by the system.`, author: 'system' });
      if (letter !== 'CMSL0406') return;
      const loaded = await this.reads.load(m, srId, true);
      if (loaded.sr.subStatus !== 'Approved TL') return;
      await this.transitions.applyTransition(
        m,
        loaded,
        {
          to: { status: 'Closed', subStatus: 'Complete' },
          resolutionCode: 'Letter Issued',
          actor: FOLLOW_UP_ACTOR,
          now: this.clock.now(),
        },
        'correspondence',
      );
    });
  }

  /**
   * Records a permanent refusal on the SR, flagged with why. Where the SR's rule table offers the
   * system a way back for it (`letter-refused`: CMSL0406 refused after TL approval, which would leave
   * the SR read-only for good), that transition is taken and writes the note (Transfer Data Between
   * Clients, step 9, TD-8); otherwise the flag and a note.
   * @throws SrRuleError should the rules refuse the move (the job then retries)
   */
  private async refused(srId: string, message: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const loaded = await this.reads.load(m, srId, true);
      const now = this.clock.now();
      const back = allowedTransitions(
        snapshotOf(loaded.sr, loaded.steps, loaded.stage, loaded.caseIds.length > 0),
        FOLLOW_UP_ACTOR,
        now,
      ).find((t) => t.transition === 'letter-refused');
      if (back) {
        await this.transitions.applyTransition(
          m,
          loaded,
          { to: back.to, reason: message, actor: FOLLOW_UP_ACTOR, now },
          'correspondence',
        );
        // After the transition, which clears any earlier flag.
        await m.update(ServiceRequest, { id: srId }, { flag: message });
        return;
      }
      await m.update(ServiceRequest, { id: srId }, { flag: message });
      await m.insert(SrNote, { srId, text: message, author: 'system' });
    });
  }

  private async context(m: EntityManager, job: LetterJob) {
    const sr = await m.findOneByOrFail(ServiceRequest, { id: job.serviceRequestId });
    const links = await m.query<{ case_id: string }[]>(`SELECT case_id FROM sr_case_link WHERE sr_id = $1`, [
      sr.id,
    ]);
    const theCase = await m.findOneByOrFail(Case, { id: links[0]?.case_id });
    const participants = await m.find(CaseParticipant, {
      where: { caseId: theCase.id, role: In(['PWC', 'NRP']) },
    });
    const roleOf = (clientId: string | null) =>
      participants.find((p) => p.clientId === clientId)?.role ?? sr.subjectRole ?? 'PWC';
    let recipientId: string | null;
    if (job.recipient === 'subject') recipientId = sr.subjectClientId;
    else if (job.recipient === 'other party') {
      const subjectRole = roleOf(sr.subjectClientId);
      recipientId =
        participants.find((p) => p.role === (subjectRole === 'PWC' ? 'NRP' : 'PWC'))?.clientId ?? null;
    } else recipientId = participants.find((p) => p.role === job.recipient)?.clientId ?? null;
    if (!recipientId)
      throw new DomainError(
        'NO_RECIPIENT',
        'precondition',
        `No ${job.recipient} on case ${theCase.caseNumber}.`,
      );
    const recipient = await m.findOneByOrFail(Client, { id: recipientId });
    const steps = await m.find(SrActivityStep, { where: { srId: sr.id } });
    return { sr, case: theCase, recipient, recipientRole: roleOf(recipientId), steps };
  }

  /** The template's personalisation fields, filled from the SR (field lists: GET /templates/{code}). */
  private personalisation(
    job: LetterJob,
    ctx: Awaited<ReturnType<LetterDeliveryWorker['context']>>,
  ): Record<string, unknown> {
    const today = toIsoDate(this.clock.now());
    const due = ctx.sr.nextActionDue ? toIsoDate(ctx.sr.nextActionDue) : today;
    const stepDate = (key: string) => {
      const at = ctx.steps.find((s) => s.key === key)?.recordedAt;
      return at ? toIsoDate(at) : today;
    };
    const transfer = (ctx.sr.details.transfer ?? {}) as {
      items?: Record<string, unknown>;
      bankDetailsSealed?: string | null;
    };
    const bank = transfer.bankDetailsSealed
      ? (JSON.parse(this.sealer.open(transfer.bankDetailsSealed)) as Record<string, string>)
      : null;
    switch (job.letter) {
      case 'CMSL0405':
        return { replyByDate: due, requestDate: toIsoDate(ctx.sr.createdAt) };
      case 'CMSL9660':
        return { replyByDate: due };
      case 'CMSL9800':
        return {
          // SD-4: the SR a blocked account raises shows the client as Source; it carries raisedFor.
          reason:
            ctx.sr.details.raisedFor === 'tam-account-blocked' || ctx.sr.source === 'System'
              ? 'account-blocked'
              : 'client-request',
          returnByDate: due,
        };
      case 'CMSL9801':
        return { originalLetterDate: stepDate('cmsl9800'), returnByDate: due };
      case 'CMSL9802':
        return { dateUpdated: stepDate('update-security-details') };
      case 'CMSL0406':
        return {
          transferRoute: ctx.sr.path,
          transferredDetails: { ...(transfer.items ?? {}), ...(bank ? { bankDetails: bank } : {}) },
        };
      case 'CMSL9661':
        return { paymentDetails: bank };
      case 'CMSL9662':
        return { dateDetailsPassedOn: today, ...(bank ? { paymentDetails: bank } : {}) };
      default:
        return {};
    }
  }
}
