import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type Actor, type Clock, DomainError, NotFoundError } from '@cms/domain';
import { CLOCK, recordAudit } from '@cms/platform';
import { DataSource } from 'typeorm';
import type { CisUpdateView } from '../cis-updates/cis-update.dto';
import { CisUpdatesService } from '../cis-updates/cis-updates.service';
import { type CmsClient, ServiceRequestsGateway } from '../peers/service-requests.gateway';
import { acceptCisPatch, keepCmsUpdate } from './rd3-rules';
import { type DiscrepancyListView, type ResolutionView, toDiscrepancyView } from './retrieval.dto';
import { Discrepancy } from './retrieval.entity';

/**
 * The caseworker decides, item by item, whether CIS or CMS is more up to date (RD-6, RD-7; CIS -
 * Retrieve Personal Data From, steps 6–7): accept-cis changes CMS's record through
 * service-requests (audited there, and the decision here); keep-cms updates CIS (CIS - Send Update)
 * where CIS accepts the item, and records CIS's response code.
 */
@Injectable()
export class DiscrepanciesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly srs: ServiceRequestsGateway,
    private readonly updates: CisUpdatesService,
  ) {}

  /** The client's discrepancies, open first, newest first; optionally one status. */
  async list(clientId: string, status?: string): Promise<DiscrepancyListView> {
    const rows = await this.db.manager.find(Discrepancy, {
      where: { clientId, ...(status ? { status: status as never } : {}) },
      order: { createdAt: 'DESC' },
    });
    rows.sort((a, b) => Number(b.status === 'open') - Number(a.status === 'open'));
    return { discrepancies: rows.map(toDiscrepancyView) };
  }

  /**
   * Records the caseworker's decision (RD-7), with its reason (required).
   * - `accept-cis`: `PATCH /clients/{id}` in service-requests with the client's current version and
   *   CIS's value (a stale version is read again once). A superseded NINO (RD-3) is not changed
   *   this way: the decision is recorded and CMS's NINO changes through the verify NINO/CRN
   *   interface (`noUpdateReason: nino-via-verification`).
   * - `keep-cms`: sends CMS's current value to CIS for an address, date of birth or date of death
   *   (SU-2; SU-1 and SU-6 apply), otherwise records the decision only. Over a value CIS holds as
   *   Verified (`cisVerified`: a date of birth or death) only with `confirmOverrideVerified`.
   * Who may decide is the route's access declaration (X-1: never a caller without sensitive access
   * for a client CIS or CMS holds sensitive, RD-4).
   * @throws 404, 409 DISCREPANCY_RESOLVED, 422 CIS_VALUE_VERIFIED (RD-7) / NO_INTEREST_REGISTERED,
   *   InsufficientAccessError (SU-6: CIS answered the keep-cms update with error code 1), 503 (CIS or service-requests unavailable; nothing is decided)
   */
  async resolve(
    actor: Actor,
    id: string,
    decision: 'accept-cis' | 'keep-cms',
    reason: string,
    confirmOverrideVerified = false,
  ): Promise<ResolutionView> {
    const d = await this.db.manager.findOneBy(Discrepancy, { id });
    if (!d) throw new NotFoundError('Discrepancy', id);
    const client = await this.srs.getClient(d.clientId);
    assertOpen(d);
    if (decision === 'keep-cms' && d.cisVerified && !confirmOverrideVerified) {
      throw new DomainError(
        'CIS_VALUE_VERIFIED',
        'precondition',
        `CIS holds the ${d.item === 'dateOfDeath' ? 'date of death' : 'date of birth'} as Verified: keeping CMS's value replaces CIS's verified one. Confirm it with confirmOverrideVerified: true.`,
        {
          requirementId: 'RD-7',
          errors: [
            {
              field: 'confirmOverrideVerified',
              rule: 'confirm-override-verified',
              message: "Confirm that CMS's value is more up to date than the value CIS holds as Verified.",
              requirementId: 'RD-7',
            },
          ],
        },
      );
    }

    let clientVersion: number | null = null;
    let cisUpdate: CisUpdateView | null = null;
    let noUpdateReason: string | null = null;
    if (decision === 'accept-cis') {
      const patch = acceptCisPatch(d.item, d.cisValue);
      // A superseded NINO: CMS changes a client's NINO through the verify NINO/CRN interface, not an edit.
      if (!patch) noUpdateReason = 'nino-via-verification';
      else clientVersion = (await this.patchClient(client, patch)).version;
    } else {
      const update = keepCmsUpdate(d.item, client);
      if (typeof update === 'string') noUpdateReason = update;
      else cisUpdate = await this.updates.sendForDiscrepancy(actor, client, update, d.id);
    }

    const saved = await this.db.transaction(async (m) => {
      const row = await m.findOne(Discrepancy, { where: { id }, lock: { mode: 'pessimistic_write' } });
      assertOpen(row!);
      const before = { status: row!.status };
      Object.assign(row!, {
        status: decision === 'accept-cis' ? 'accepted-cis' : 'kept-cms',
        decidedBy: actor.id,
        decidedAt: this.clock.now(),
        reason,
        clientVersion,
        cisUpdateId: cisUpdate?.id ?? null,
        updatedAt: this.clock.now(),
      });
      const out = await m.save(row!);
      await recordAudit(m, {
        entityType: 'discrepancy',
        entityId: id,
        action: decision,
        before,
        after: {
          status: out.status,
          item: out.item,
          reason: out.reason,
          cisVerified: out.cisVerified,
          ...(decision === 'keep-cms' && out.cisVerified ? { confirmOverrideVerified: true } : {}),
          clientVersion,
          cisUpdateId: out.cisUpdateId,
          cisResponseCode: cisUpdate?.responseCode ?? null,
          noUpdateReason,
        },
      });
      return out;
    });
    return { discrepancy: toDiscrepancyView(saved), cisUpdate, noUpdateReason };
  }

  private async patchClient(client: CmsClient, patch: Parameters<ServiceRequestsGateway['patchClient']>[2]) {
    try {
      return await this.srs.patchClient(client.id, client.version, patch);
    } catch (e) {
      if (!(e instanceof DomainError) || e.code !== 'STALE_VERSION') throw e;
      const fresh = await this.srs.getClient(client.id);
      return this.srs.patchClient(client.id, fresh.version, patch);
    }
  }
}

function assertOpen(d: Discrepancy): void {
  if (d.status !== 'open') {
    throw new DomainError(
      'DISCREPANCY_RESOLVED',
      'conflict',
      `This discrepancy was already decided (${d.status}).`,
      {
        requirementId: 'RD-7',
      },
    );
  }
}
