import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CIS_RETRIEVAL_REJECTION_INFO, type CisRetrievalRejection } from '@cms/domain';
import { DataSource } from 'typeorm';
import { findPerson, referenceOf } from '../persons/persons.service';
import { personalDataOf } from '../persons/person.view';
import type { RetrievalResponseView, RetrieveDto } from './retrieval.dto';

function rejected(
  rejection: Exclude<CisRetrievalRejection, 'TECHNICAL_ERROR'>,
  supersededByNino: string | null = null,
): RetrievalResponseView {
  const info = CIS_RETRIEVAL_REJECTION_INFO[rejection];
  return {
    outcome: 'rejected',
    person: null,
    rejection,
    message: info.message,
    supersededByNino,
    requirementId: info.requirementId,
  };
}

/**
 * Retrieve personal data (CIS - Retrieve Personal Data From, steps 3-5): a person's personal,
 * address and contact data as CIS holds it (RD-2; CMS applies RD-3's filtering), or a rejection:
 * NINO not found / deleted / superseded (RD-5) or "Insufficient access level" for a nationally
 * sensitive record asked for at standard access (RD-4). No interest is needed: CMS retrieves
 * before it registers one (RD-1).
 */
@Injectable()
export class RetrievalService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** @throws DomainValidationError for a malformed NINO/CRN (400) */
  async retrieve(dto: RetrieveDto): Promise<RetrievalResponseView> {
    const person = await findPerson(this.db.manager, referenceOf(dto));
    if (!person) return rejected('NINO_NOT_FOUND');
    if (person.deleted) return rejected('NINO_DELETED');
    if (person.supersededByNino) return rejected('NINO_SUPERSEDED', person.supersededByNino);
    if (person.nationallySensitive && dto.accessLevel !== 'sensitive')
      return rejected('INSUFFICIENT_ACCESS_LEVEL');
    return {
      outcome: 'found',
      person: personalDataOf(person),
      rejection: null,
      message: null,
      supersededByNino: null,
      requirementId: null,
    };
  }
}
