/** Queue of letters an SR transition issues (delivered to correspondence). */
export const LETTER_JOBS = 'sr.issue-letter';

/** Payload of a letter job: which SR, which letter, to whom. */
export interface LetterJob {
  serviceRequestId: string;
  letter: string;
  recipient: string;
  attachment?: string;
}
